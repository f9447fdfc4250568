import Foundation
import GGUF
import TestSupport
import Testing
@testable import Inference

/// The kernels on real weights of the types besides the default model's: the default model requantized by
/// llama.cpp's own quantizer (scripts/make-test-models.py, run by scripts/test.sh into
/// VSYNTH_TEST_MODELS, default ~/.cache/vsynth/test-models). Every path equals the reference of
/// llama.cpp's arithmetic bit for bit, on the tensors where each type occurs.
@Suite("Kernels on requantized weights")
struct KernelRequantizedTests {
    /// (file type, tensor, its type there). The ffn_down matrices have 576 rows: Q4_K and Q2_K take
    /// llama.cpp's repacked order.
    static let cases: [(String, String, GGMLType)] = [
        ("Q5_0", "blk.0.attn_q.weight", .q5_0), ("Q5_1", "blk.3.ffn_gate.weight", .q5_1),
        ("Q6_K", "blk.0.ffn_down.weight", .q6_K), ("Q4_K_M", "blk.4.ffn_down.weight", .q4_K),
        ("Q4_K_M", "blk.0.ffn_down.weight", .q6_K), ("Q5_K_M", "blk.3.ffn_down.weight", .q5_K),
        ("Q3_K_M", "blk.0.ffn_down.weight", .q5_K), ("Q2_K", "blk.0.ffn_down.weight", .q3_K),
        ("Q2_K-pure", "blk.0.ffn_down.weight", .q2_K),
    ]

    @Test("every path equals llama.cpp's arithmetic on requantized real weights", arguments: 0..<cases.count)
    func requantized(index: Int) throws {
        let (fileType, name, type) = Self.cases[index]
        let file = try GGUFFile(path: try TestModel.requantizedPath(fileType))
        let w = try KernelModelTests.weight(file, name)
        #expect(w.type == type, "\(name) in \(fileType) is \(w.type.name)")
        let pool = ThreadPool(threads: 2)
        for n in [1, 5, 8] {
            let x = randomActivations(n: n, cols: w.cols, seed: 17)
            var reference = [Float](repeating: 0, count: n * w.rows)
            Kernels.matmulGGMLReference(w, x: x, n: n, y: &reference)
            for kernelPath in KernelPath.allCases where kernelPath.isSupported {
                var y = [Float](repeating: .nan, count: n * w.rows)
                Kernels.matmul(w, x: x, n: n, y: &y, pool: pool, path: kernelPath)
                #expect(y.map(\.bitPattern) == reference.map(\.bitPattern), "\(fileType) \(name) n=\(n) \(kernelPath)")
            }
        }
    }
}
