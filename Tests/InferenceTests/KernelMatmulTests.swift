import GGUF
import TestSupport
import Testing
@testable import Inference

/// Every weight type × batch size × instruction-set path against the scalar Swift reference.
@Suite("Kernel matmul")
struct KernelMatmulTests {
    /// Every type of the kernels' table (VS_WEIGHT_TYPES).
    static let types: [GGMLType] = WeightMatrix.supportedTypes
    static let batches = [1, 2, 3, 7, 64]
    static let paths = KernelPath.allCases.filter { $0 != .best && $0.isSupported }
    static let pool = ThreadPool(threads: 2)

    /// Row lengths: 576 (18 blocks, the model's hidden size: a block tail) and 1536 (the FFN width).
    static func colsFor(_ type: GGMLType) -> [Int] { type.blockSize == 256 ? [512, 1536] : [576, 1536] }

    @Test("dequantizeRow matches the reference exactly", arguments: types)
    func dequantize(type: GGMLType) throws {
        let weights = try RandomWeights(type: type, rows: 5, cols: type.blockSize == 256 ? 512 : 576, seed: 7)
        let w = weights.matrix
        var reference = [Float](repeating: 0, count: w.cols)
        var fast = [Float](repeating: 0, count: w.cols)
        for row in 0..<w.rows {
            Kernels.dequantizeRowReference(w, row: row, into: &reference)
            Kernels.dequantizeRow(w, row: row, into: &fast)
            let mismatches = (0..<w.cols).filter { fast[$0] != reference[$0] }
            #expect(mismatches.isEmpty, "\(type.name) row \(row): \(mismatches.count) elements differ, first at \(mismatches.first ?? -1)")
        }
        withExtendedLifetime(weights) {}
    }

    @Test("activation quantization matches the reference", arguments: paths)
    func quantize(path: KernelPath) {
        let cols = 1536, n = 9
        let x = randomActivations(n: n, cols: cols, seed: 3)
        let q = QuantizedActivations(cols: cols, capacity: n)
        q.quantize(x, n: n, pool: Self.pool, path: path)
        for t in 0..<n {
            let reference = x.withUnsafeBufferPointer { Kernels.quantizeReference($0.baseAddress! + t * cols, cols: cols) }
            let fast = q.token(t)
            // Bit for bit: every path rounds as ggml's x86 quantize_row_q8_0/q8_1 do.
            #expect(fast == reference, "token \(t)")
        }
    }

    @Test("matmul matches the reference", arguments: types, paths)
    func matmul(type: GGMLType, path: KernelPath) throws {
        for cols in Self.colsFor(type) {
            // Odd: exercises the row tails; 48 for Q4_0, Q4_K and Q2_K: llama.cpp repacks them when rows are a
            // multiple of 8 (vs_llamacpp_repacks), which changes the order.
            let rows = [.q4_0, .q4_K, .q2_K].contains(type) && cols != 1536 ? 48 : cols == 1536 ? 53 : 37
            let weights = try RandomWeights(type: type, rows: rows, cols: cols, seed: UInt64(type.rawValue) * 31 + UInt64(cols))
            let w = weights.matrix
            var dense = [Float](repeating: 0, count: rows * cols)
            var row = [Float](repeating: 0, count: cols)
            for r in 0..<rows {
                Kernels.dequantizeRowReference(w, row: r, into: &row)
                dense.replaceSubrange(r * cols..<(r + 1) * cols, with: row)
            }
            for n in Self.batches {
                try check(w, dense: dense, n: n, path: path)
            }
            withExtendedLifetime(weights) {}
        }
    }

    /// The K-quant kernels (SIMD block decoding and sums, kquants_avx2.h, avx512_kquants.c) on every path
    /// against llama.cpp's arithmetic, bit for bit, for each of its routines: 48 rows (Q4_K and Q2_K
    /// repacked: gemv, and gemm for whole groups of 4; 40 rows too, a packed Q4_K's last group of 16 half
    /// padding) and 53 (ggml_vec_dot below 8 tokens, tiled from 8). Each with and without the packed copy
    /// the model loader makes (Q4_K's 16-row kernel, q4k_packed.c, on the AVX-512 path).
    @Test("K-quant paths equal llama.cpp's arithmetic", arguments: [GGMLType.q2_K, .q3_K, .q4_K, .q5_K, .q6_K])
    func kQuantPaths(type: GGMLType) async throws {
        try await blocking {
            for rows in [48, 40, 53] {
                let cols = 768
                let weights = try RandomWeights(type: type, rows: rows, cols: cols, seed: UInt64(type.rawValue) * 7 + UInt64(rows))
                var packed = weights.matrix
                packed.packed = PackedWeights.pack(packed)
                if type == .q4_K && rows % 8 == 0 && KernelPath.detected == .avx512 {
                    #expect(packed.packed != nil, "a Q4_K matrix llama.cpp repacks is packed")
                }
                for n in [1, 3, 4, 7, 8, 13] {
                    let x = randomActivations(n: n, cols: cols, seed: UInt64(n * 31 + rows))
                    var reference = [Float](repeating: 0, count: n * rows)
                    Kernels.matmulGGMLReference(weights.matrix, x: x, n: n, y: &reference)
                    for path in Self.paths {
                        for w in [weights.matrix, packed] {
                            var y = [Float](repeating: .nan, count: n * rows)
                            Kernels.matmul(w, x: x, n: n, y: &y, pool: Self.pool, path: path)
                            #expect(y.map(\.bitPattern) == reference.map(\.bitPattern),
                                    "\(type.name) rows \(rows) n=\(n) \(path)\(w.packed == nil ? "" : " packed")")
                        }
                    }
                }
                withExtendedLifetime(weights) {}
            }
        }
    }

    private func check(_ w: WeightMatrix, dense: [Float], n: Int, path: KernelPath) throws {
        let rows = w.rows, cols = w.cols
        let x = randomActivations(n: n, cols: cols, seed: UInt64(n * 1000 + cols))
        let quantized = KernelMatmulTests.usesQuantizedActivations(w.type)
        // The exact inputs the kernel multiplies: x itself, or its 8-bit quantization.
        var xHat = x
        var halfStep = [Float](repeating: 0, count: n * cols)   // |x - x̂| bound per element
        if w.activation == .q8K {
            for t in 0..<n {
                let q = x.withUnsafeBufferPointer { Kernels.quantizeKReference($0.baseAddress! + t * cols, cols: cols, positiveWins: false) }
                xHat.replaceSubrange(t * cols..<(t + 1) * cols, with: q.qs.indices.map { Float(q.qs[$0]) * q.scales[$0 / 256] })
                for c in 0..<cols { halfStep[t * cols + c] = abs(q.scales[c / 256]) * 0.5001 }
            }
        } else if quantized {
            for t in 0..<n {
                let q = x.withUnsafeBufferPointer { Kernels.quantizeReference($0.baseAddress! + t * cols, cols: cols) }
                xHat.replaceSubrange(t * cols..<(t + 1) * cols, with: Kernels.dequantizedActivations(q))
                // round(x/d)·F16(d): half a step, plus up to 127 steps' worth of d's F16 rounding.
                for c in 0..<cols { halfStep[t * cols + c] = q.scales[c / 32] * 0.5625 }
            }
        }
        var yFast = [Float](repeating: .nan, count: n * rows)
        var yExact = [Float](repeating: 0, count: n * rows)
        var yTrue = [Float](repeating: 0, count: n * rows)
        Kernels.matmul(w, x: x, n: n, y: &yFast, pool: KernelMatmulTests.pool, path: path)
        Kernels.matmulReference(w, x: xHat, n: n, y: &yExact)
        Kernels.matmulReference(w, x: x, n: n, y: &yTrue)
        if quantized {
            // llama.cpp's exact arithmetic: every path equals it bit for bit.
            var yGGML = [Float](repeating: 0, count: n * rows)
            Kernels.matmulGGMLReference(w, x: x, n: n, y: &yGGML)
            let differing = (0..<n * rows).filter { yFast[$0].bitPattern != yGGML[$0].bitPattern }
            #expect(differing.isEmpty, "\(w.type.name) \(path) n=\(n) cols=\(cols): \(differing.count) outputs differ from llama.cpp's arithmetic, first \(differing.first.map { "\(yFast[$0]) vs \(yGGML[$0])" } ?? "")")
        }
        for t in 0..<n {
            for r in 0..<rows {
                var magnitude: Float = 0, bound: Float = 0
                for c in 0..<cols {
                    magnitude += abs(dense[r * cols + c] * x[t * cols + c])
                    bound += abs(dense[r * cols + c]) * halfStep[t * cols + c]
                }
                let i = t * rows + r
                // Same inputs: only summation order differs (and Q4_1's F16 s = d·Σq, relative 2^-11).
                let exactError = abs(yFast[i] - yExact[i]) / (magnitude + 1e-30)
                // True x: within the activation quantization's worst case.
                let trueError = abs(yFast[i] - yTrue[i]) - bound
                if !(exactError <= (w.type == .q4_1 || w.type == .q5_1 ? 1e-3 : 2e-5)) || !(trueError <= 1e-3 * magnitude) {
                    Issue.record("\(w.type.name) \(path) n=\(n) cols=\(cols) row \(r) token \(t): fast \(yFast[i]) exact \(yExact[i]) true \(yTrue[i]) bound \(bound)")
                    return
                }
            }
        }
    }

    static func usesQuantizedActivations(_ type: GGMLType) -> Bool {
        (try? WeightMatrix(type: type, rows: 1, cols: 256, data: UnsafeRawPointer(bitPattern: 64)!))?.activation != .f32
    }
}
