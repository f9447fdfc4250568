import CKernels
import Foundation
import GGUF
import Inference
import TestSupport
import Testing

/// The architecture layer: the features read from real files (Gemma 3 270M, the synthetic llama-3-style,
/// qwen2 and qwen3 files of scripts/make-synthetic-models.py), the GeGLU kernel against llama.cpp's own
/// GELU table, and sliding-window masking in the attention kernel. The forward passes themselves are
/// compared with llama.cpp tensor by tensor in scripts/engine-vs-llamacpp.sh and by ln p in
/// Gemma3GoldenTests.
struct ArchitectureTests {
    /// FNV-1a (64-bit) of the float bits of llama.cpp's `ggml_table_gelu_f16` entries for every finite
    /// half x with −10 < x < 10 (37,376 entries, in bit-pattern order), read from llama-cpp-python
    /// 0.3.36's libggml-cpu.so after `ggml_cpu_init()` (ctypes: `(c_uint16 * 65536).in_dll(lib,
    /// "ggml_table_gelu_f16")`).
    static let llamaCppGeluTableHash: UInt64 = 0x45af_6e32_2a6f_2b80

    static func fnv1a(_ values: [Float]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in values {
            let bits = value.bitPattern
            for k in 0..<4 { hash = (hash ^ UInt64((bits >> (8 * k)) & 0xFF)) &* 0x100_0000_01b3 }
        }
        return hash
    }

    @Test func gegluLooksUpLlamaCppsGeluTable() {
        let halves = (0..<65536).map { Float(Float16(bitPattern: UInt16($0))) }.filter { $0.isFinite && $0 > -10 && $0 < 10 }
        #expect(halves.count == 37376)
        var gate = halves, reference = halves
        let up = [Float](repeating: 1, count: halves.count)
        vs_geglu(&gate, up, gate.count, -1)
        VectorMath.geglu(gate: &reference, up: up, count: reference.count)
        #expect(gate.map(\.bitPattern) == reference.map(\.bitPattern))
        #expect(Self.fnv1a(gate) == Self.llamaCppGeluTableHash)
    }

    @Test func gegluMatchesItsReferenceOnAnyInput() {
        var gate = ForwardKernelTests.values(20000, seed: 11, range: 14) + [-10, 10, -9.999, 9.999, 0, -0, 1e-7, -1e-7]
        let up = ForwardKernelTests.values(gate.count, seed: 12, range: 3)
        var reference = gate
        vs_geglu(&gate, up, gate.count, -1)
        VectorMath.geglu(gate: &reference, up: up, count: reference.count)
        #expect(gate.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    /// Keys before `first` do not count: the result is the same whatever they hold, and is the
    /// reference's attention over the window alone.
    @Test(arguments: [(1, 40), (16, 17), (7, 100), (500, 513)])
    func slidingWindowMasksEarlierKeys(first: Int, length: Int) {
        let headDim = 64, stride = 128
        let keys = ForwardKernelTests.values(length * stride, seed: 21, range: 3)
        let values = ForwardKernelTests.values(length * stride, seed: 22)
        let query = ForwardKernelTests.values(headDim, seed: 23, range: 2)
        var garbageKeys = keys, garbageValues = values
        for i in 0..<(first * stride) { garbageKeys[i] = 1e3; garbageValues[i] = -7 }
        for single in [false, true] {
            var out = [Float](repeating: 0, count: headDim), masked = out, expected = out
            var scores = [Float](repeating: 0, count: (length + 15) / 16 * 16)
            AttentionKernel.row(query: query, keys: keys, values: values, stride: stride, first: first, length: length,
                                headDim: headDim, scale: 0.125, roundProbabilities: true, singleQuery: single,
                                scores: &scores, out: &out)
            AttentionKernel.row(query: query, keys: garbageKeys, values: garbageValues, stride: stride, first: first,
                                length: length, headDim: headDim, scale: 0.125, roundProbabilities: true,
                                singleQuery: single, scores: &scores, out: &masked)
            AttentionKernel.rowReference(query: query, keys: keys, values: values, stride: stride, first: first,
                                         length: length, headDim: headDim, scale: 0.125, roundProbabilities: true,
                                         out: &expected)
            #expect(out == masked, "first \(first) length \(length): masked keys changed the result")
            let error = zip(out, expected).map { abs($0 - $1) }.max()!
            #expect(error < 2e-3, "first \(first) length \(length) single \(single): error \(error)")
        }
    }

    @Test func gemma3FeaturesAreLlamaCpps() throws {
        let config = try TransformerConfig(metadata: GGUFFile(path: TestModel.gemma3Path()).metadata)
        let features = config.features
        #expect(config.architecture == .gemma3)
        #expect((config.dim, config.headCount, config.kvHeadCount, config.headDim, config.qDim) == (640, 4, 1, 256, 1024))
        #expect(features.ropeLayout == .halves && features.activation == .geglu)
        #expect(features.hasQKNorm && features.hasPostNorms && !features.hasQKVBias)
        #expect(features.embeddingScale == Float(640).squareRoot())
        #expect(features.queryScale == 0.0625)
        #expect(features.slidingWindow == 512)
        // llama.cpp's set_swa_pattern(6): every sixth layer (5, 11, 17) is global.
        #expect(features.localLayers == (0..<18).map { $0 % 6 != 5 })
        #expect(config.ropeFreqBase == 1_000_000 && features.localRopeFreqBase == 10000)
        #expect(features.finalLogitSoftcap == 0)
    }

    @Test func syntheticFamiliesHaveTheirFeatures() throws {
        let llama3 = try TransformerModel(path: Self.synthetic("llama3"), requiresTokenizer: false)
        #expect(llama3.config.architecture == .llama && llama3.config.features.ropeLayout == .adjacentPairs)
        #expect(!llama3.weights.outputIsTied)
        #expect(llama3.weights.ropeFactors?.count == 32)
        #expect(llama3.config.groupSize == 2)
        let qwen2 = try TransformerModel(path: Self.synthetic("qwen2"), requiresTokenizer: false)
        #expect(qwen2.config.architecture == .qwen2 && qwen2.config.features.ropeLayout == .halves)
        #expect(qwen2.weights.layers.allSatisfy { $0.queryBias?.count == 128 && $0.keyBias?.count == 64 && $0.valueBias?.count == 64 })
        #expect(qwen2.weights.outputIsTied)
        let qwen3 = try TransformerModel(path: Self.synthetic("qwen3"), requiresTokenizer: false)
        #expect(qwen3.config.architecture == .qwen3 && qwen3.config.features.hasQKNorm)
        #expect((qwen3.config.dim, qwen3.config.qDim, qwen3.config.kvDim) == (128, 256, 128))
        #expect(qwen3.weights.layers.allSatisfy { $0.queryNorm?.count == 64 && $0.keyNorm?.count == 64 })
    }

    @Test func anUnsupportedArchitectureNamesTheSupportedOnes() {
        let message = InferenceError.unsupportedArchitecture("phi3").description
        #expect(message.contains("'phi3'") && message.contains("llama, qwen2, qwen3, gemma3"))
    }

    /// A synthetic model of scripts/make-synthetic-models.py (run by scripts/test.sh).
    static func synthetic(_ family: String) throws -> String {
        let path = "\(TestModel.requantizedDirectory)/synthetic-\(family).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            throw KernelTestFailure("no \(path): run scripts/make-synthetic-models.py (scripts/test.sh does)")
        }
        return path
    }
}
