import GGUF
import TestSupport
import Testing
@testable import Inference

/// The per-token matmul of a decode step over several sequences (vs_matmul_rows_per_token): every token
/// row gets bitwise the result of a one-token matmul, for every weight type and path, though the rows
/// share one pass over the weights.
@Suite("Per-token matmul")
struct PerTokenMatmulTests {
    static let paths = KernelPath.allCases.filter { $0 != .best && $0.isSupported }
    static let pool = ThreadPool(threads: 2)

    /// y(n, rows) of tokens x[first ..< first + n] as one matmul call.
    static func matmul(_ w: WeightMatrix, _ x: [Float], first: Int, n: Int, perToken: Bool, path: KernelPath) -> [UInt32] {
        var y = [Float](repeating: .nan, count: n * w.rows)
        x.withUnsafeBufferPointer { xs in
            Kernels.matmul(w, x: xs.baseAddress! + first * w.cols, n: n, y: &y, pool: pool, perToken: perToken, path: path)
        }
        return y.map(\.bitPattern)
    }

    @Test("each row of a per-token matmul equals that token alone, bitwise", arguments: WeightMatrix.supportedTypes, paths)
    func rowsEqualOneTokenMatmuls(type: GGMLType, path: KernelPath) throws {
        let cols = type.blockSize == 256 ? 512 : 576
        // 40 rows: Q4_0, Q4_K and Q2_K are repacked (gemv/gemm); 37: they are not, and row tails occur.
        for rows in [40, 37] {
            let weights = try RandomWeights(type: type, rows: rows, cols: cols, seed: UInt64(type.rawValue) * 13 + UInt64(rows))
            var packed = weights.matrix
            packed.packed = PackedWeights.pack(packed)   // as the model loader does (AVX-512 kernels)
            let x = randomActivations(n: 16, cols: cols, seed: UInt64(rows) + 3)
            let alone = (0..<16).flatMap { Self.matmul(weights.matrix, x, first: $0, n: 1, perToken: false, path: path) }
            for w in [weights.matrix, packed] {
                for n in [2, 3, 4, 5, 8, 9, 16] {
                    let batch = Self.matmul(w, x, first: 0, n: n, perToken: true, path: path)
                    let differing = (0..<n * rows).filter { batch[$0] != alone[$0] }
                    #expect(differing.isEmpty, "\(type.name) \(path) rows \(rows) n \(n)\(w.packed == nil ? "" : " packed"): \(differing.count) elements differ from one-token matmuls, first at token \((differing.first ?? 0) / rows)")
                }
            }
            withExtendedLifetime(weights) {}
        }
    }

    /// The control: without the per-token mode, K-quant batches take llama.cpp's batch routines, whose
    /// sums differ from the one-token routine's (so the test above would catch a mode that did nothing).
    @Test("a K-quant batch without the per-token mode differs from one-token matmuls", arguments: [GGMLType.q4_K, .q6_K])
    func batchRoutinesDiffer(type: GGMLType) throws {
        let weights = try RandomWeights(type: type, rows: 40, cols: 512, seed: 99)
        var packed = weights.matrix
        packed.packed = PackedWeights.pack(packed)
        let x = randomActivations(n: 8, cols: 512, seed: 4)
        let alone = (0..<8).flatMap { Self.matmul(weights.matrix, x, first: $0, n: 1, perToken: false, path: .best) }
        for w in [weights.matrix, packed] {
            let batch = Self.matmul(w, x, first: 0, n: 8, perToken: false, path: .best)
            #expect(batch != alone)
            #expect(Self.matmul(w, x, first: 0, n: 8, perToken: true, path: .best) == alone)
        }
    }
}
