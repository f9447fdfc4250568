import CKernels
import Foundation
import GGUF
import Support
import TestSupport
import Testing
@testable import Inference

/// Random weight bytes of a type, laid out as ggml stores them, with finite scales of realistic size.
final class RandomWeights {
    let matrix: WeightMatrix
    private let storage: UnsafeMutableRawPointer

    init(type: GGMLType, rows: Int, cols: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let rowBytes = cols / type.blockSize * type.typeSize
        let storage = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
        self.storage = storage
        let bytes = storage.assumingMemoryBound(to: UInt8.self)
        for i in 0..<rows * rowBytes { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        /// A half with exponent in `exponents` (value about 2^(e-15)), random sign and mantissa.
        func half(_ exponents: ClosedRange<UInt16>, negative: Bool? = nil) -> UInt16 {
            let sign: UInt16 = (negative ?? Bool.random(using: &rng)) ? 0x8000 : 0
            return sign | UInt16.random(in: exponents, using: &rng) << 10 | UInt16.random(in: 0...0x3FF, using: &rng)
        }
        func store(_ value: UInt16, at offset: Int) { storage.storeBytes(of: value, toByteOffset: offset, as: UInt16.self) }
        let blocks = rows * cols / type.blockSize
        switch type {
        case .f32:
            for i in 0..<rows * cols { storage.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
        case .f16:
            for i in 0..<rows * cols { store(half(8...16), at: 2 * i) }
        case .bf16:
            for i in 0..<rows * cols {
                store(UInt16(Float.random(in: -1...1, using: &rng).bitPattern >> 16), at: 2 * i)
            }
        case .q4_0, .q8_0, .q5_0:
            for b in 0..<blocks { store(half(3...9, negative: false), at: b * type.typeSize) }
        case .q4_1, .q5_1:
            for b in 0..<blocks {
                store(half(3...9, negative: false), at: b * type.typeSize)
                store(half(6...12), at: b * type.typeSize + 2)
            }
        case .q4_K, .q5_K:   // d, dmin; the 12 scale bytes and the quants stay random
            for b in 0..<blocks {
                store(half(2...7, negative: false), at: b * type.typeSize)
                store(half(2...7, negative: false), at: b * type.typeSize + 2)
            }
        case .q2_K:   // {scales[16]; qs[64]; d; dmin}
            for b in 0..<blocks {
                store(half(2...7, negative: false), at: b * 84 + 80)
                store(half(2...7, negative: false), at: b * 84 + 82)
            }
        case .q3_K:   // {hmask[32]; qs[64]; scales[12]; d}
            for b in 0..<blocks { store(half(2...7, negative: false), at: b * 110 + 108) }
        case .q6_K:
            for b in 0..<blocks {
                for s in 0..<16 { storage.storeBytes(of: Int8.random(in: -64...64, using: &rng), toByteOffset: b * 210 + 192 + s, as: Int8.self) }
                store(half(2...7, negative: false), at: b * 210 + 208)
            }
        default:
            break
        }
        do {
            var w = try WeightMatrix(type: type, rows: rows, cols: cols, data: storage, name: "random.\(type.name)")
            w.packed = PackedWeights.pack(w)   // as the model loader does: the AVX-512 kernel reads it
            matrix = w
        } catch {
            storage.deallocate()
            throw error
        }
    }

    deinit { storage.deallocate() }
}

/// Random activations x(n, cols) in [-scale, scale], with a few larger outliers as real ones have.
func randomActivations(n: Int, cols: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n * cols).map { _ in
        let v = Float.random(in: -1...1, using: &rng)
        return Int.random(in: 0..<50, using: &rng) == 0 ? v * 8 : v
    }
}

@Suite("Kernel test support")
struct KernelSupportTests {
    @Test("halfToFloat decodes normal, subnormal and special halves")
    func halfConversion() {
        #expect(Kernels.halfToFloat(0x3C00) == 1)
        #expect(Kernels.halfToFloat(0xC000) == -2)
        #expect(Kernels.halfToFloat(0x3555) == 0.333251953125)
        #expect(Kernels.halfToFloat(0x0001) == 0x1p-24)
        #expect(Kernels.halfToFloat(0x7BFF) == 65504)
        #expect(Kernels.halfToFloat(0x7C00) == .infinity)
        #expect(Kernels.halfToFloat(0x8000) == 0)
    }

    @Test("weight matrices of unsupported types are refused with the type named")
    func unsupportedType() throws {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: 1024, alignment: 64)
        defer { bytes.deallocate() }
        for type in [GGMLType.iq2_xxs, .iq4_nl, .tq1_0, .mxfp4] {
            #expect(throws: InferenceError.unsupportedTensorType(tensor: "blk.0.attn_q.weight", type: type.name)) {
                _ = try WeightMatrix(type: type, rows: 1, cols: 256, data: bytes, name: "blk.0.attn_q.weight")
            }
        }
        let error = InferenceError.unsupportedTensorType(tensor: "blk.0.attn_q.weight", type: "IQ2_XXS")
        // The type, the tensor, and what to do.
        #expect(error.description.contains("IQ2_XXS") && error.description.contains("blk.0.attn_q.weight"))
        #expect(error.description.contains("Q4_K_M") && error.description.contains("llama-quantize"))
        #expect(throws: InferenceError.self) { _ = try WeightMatrix(type: .q4_1, rows: 2, cols: 40, data: bytes) }
        let w = try WeightMatrix(type: .q4_1, rows: 3, cols: 64, data: bytes)
        #expect(w.rowBytes == 40)
    }

    /// The C entry point refuses a type outside its table on every path (the scalar one used to read it
    /// as Q8_0) and leaves NaN in the outputs, never stale values.
    @Test("the kernels refuse a type outside their table on every path", arguments: KernelPath.allCases.filter(\.isSupported))
    func unknownTypeInC(path: KernelPath) {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: 1024, alignment: 64)
        defer { bytes.deallocate() }
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: 1024)
        let x = [Float](repeating: 1, count: 256)
        for type in [GGMLType.iq4_nl, .iq2_xxs, .q8_1] {
            var y = [Float](repeating: 7, count: 2)
            let status = vs_matmul_rows(Int32(type.rawValue), bytes, 128, 2, 256, 0, 2, x, 256, bytes, nil, nil, 1, &y, 2, path.rawValue)
            #expect(status == -1 && y.allSatisfy(\.isNaN), "\(type.name) \(path): status \(status), y \(y)")
        }
    }
}
