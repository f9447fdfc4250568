import Foundation
import GGUF
import TestSupport
import Testing
@testable import Inference

/// The kernels on the real model's weights (Q4_1 layers, the Q8_0 token embedding used as the output
/// projection): real scale and minimum distributions, the real row lengths.
@Suite("Kernels on the default model's weights")
struct KernelModelTests {
    static func openModel() throws -> GGUFFile {
        try GGUFFile(path: try TestModel.path())
    }

    static func weight(_ file: GGUFFile, _ name: String) throws -> WeightMatrix {
        guard let info = file.tensor(named: name), info.dimensions.count == 2 else {
            throw KernelTestFailure("tensor \(name) missing or not 2-D")
        }
        guard let base = file.bytes(of: info).baseAddress else { throw KernelTestFailure("tensor \(name) has no data") }
        return try WeightMatrix(type: info.type, rows: info.dimensions[1], cols: info.dimensions[0], data: base, name: name)
    }

    @Test("matmul on real weights matches the reference with the same quantized activations",
          arguments: ["blk.0.attn_q.weight", "blk.7.ffn_down.weight", "blk.29.attn_k.weight", "token_embd.weight"])
    func realWeights(name: String) throws {
        let file = try Self.openModel()
        let full = try Self.weight(file, name)
        #expect(full.type == (name == "token_embd.weight" ? .q8_0 : .q4_1))
        // The first 203 rows (odd: a row tail; attn_k has 192), all columns.
        var w = try WeightMatrix(type: full.type, rows: min(full.rows, 203), cols: full.cols, data: full.data, name: name)
        w.packed = PackedWeights.pack(w)   // as the model loader does: the AVX-512 kernel reads it
        let pool = ThreadPool(threads: 2)
        for n in [1, 5, 33] {
            let x = randomActivations(n: n, cols: w.cols, seed: 99)
            var xHat = x
            for t in 0..<n {
                let q = x.withUnsafeBufferPointer { Kernels.quantizeReference($0.baseAddress! + t * w.cols, cols: w.cols) }
                xHat.replaceSubrange(t * w.cols..<(t + 1) * w.cols, with: Kernels.dequantizedActivations(q))
            }
            var yRef = [Float](repeating: 0, count: n * w.rows)
            Kernels.matmulReference(w, x: xHat, n: n, y: &yRef)
            var yGGML = [Float](repeating: 0, count: n * w.rows)
            Kernels.matmulGGMLReference(w, x: x, n: n, y: &yGGML)
            for path in KernelPath.allCases where path.isSupported {
                var y = [Float](repeating: .nan, count: n * w.rows)
                Kernels.matmul(w, x: x, n: n, y: &y, pool: pool, path: path)
                // Bit for bit llama.cpp's arithmetic; and near the plain dot product of the same x̂
                // (Q4_1's minimum multiplies an F16 s = d·Σq, off by up to 2^-11 of that term).
                #expect(y.map(\.bitPattern) == yGGML.map(\.bitPattern), "\(name) n=\(n) \(path): differs from llama.cpp's arithmetic")
                let scale = yRef.map { abs($0) }.max() ?? 1
                let worst = zip(y, yRef).map { abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= 2e-3 * scale, "\(name) n=\(n) \(path): worst error \(worst) of \(scale)")
            }
        }
        // Embedding rows dequantize exactly as the reference does.
        var fast = [Float](repeating: 0, count: w.cols), reference = fast
        for row in [0, 1, w.rows - 1] {
            Kernels.dequantizeRow(w, row: row, into: &fast)
            Kernels.dequantizeRowReference(w, row: row, into: &reference)
            #expect(fast == reference, "\(name) row \(row)")
        }
    }

    @Test("one QuantizedActivations shared by several matmuls gives the same results as quantizing each time")
    func sharedQuantization() throws {
        let file = try Self.openModel()
        let pool = ThreadPool(threads: 2)
        for n in [1, 9] {
            let x = randomActivations(n: n, cols: 576, seed: 5)
            let shared = QuantizedActivations(cols: 576, capacity: 1)   // grows on demand
            shared.quantize(x, n: n, pool: pool)
            for name in ["blk.3.attn_q.weight", "blk.3.attn_k.weight", "blk.3.attn_v.weight"] {
                let w = try Self.weight(file, name)
                var a = [Float](repeating: 0, count: n * w.rows), b = a
                Kernels.matmul(w, x: x, n: n, y: &a, pool: pool, quantized: shared)
                Kernels.matmul(w, x: x, n: n, y: &b, pool: pool)
                #expect(a == b, "\(name) n=\(n)")
            }
        }
    }
}

/// A test precondition that does not hold (the model file missing): the test fails with this message.
struct KernelTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
