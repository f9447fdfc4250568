import CKernels
import GGUF

/// The engine's matrix kernels: y = x · Wᵀ for every supported weight type, and row dequantization.
///
/// Quantized weights multiply activations quantized to 8 bits as llama.cpp quantizes them (per block of
/// 32 for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0; per 256 for the K-quants) with integer dot products (AVX-512 VNNI
/// where the CPU has it and the weights are repacked, AVX2 otherwise, portable C as the fallback); F32,
/// F16 and BF16 weights multiply f32 activations. The types and their activation forms are one table,
/// VS_WEIGHT_TYPES in CKernels.h. Work is split over rows between the pool's threads.
public enum Kernels {
    /// Rows handed to a thread at a time (a multiple of every kernel's row tile).
    static let rowGranule = 16

    /// y(n, rows) = x(n, cols) · Wᵀ, x and y row-major f32.
    ///
    /// - Parameters:
    ///   - quantized: x already quantized (by `QuantizedActivations.quantize` on this same x and n), to
    ///     share one quantization between several matmuls; nil quantizes here when the type needs it.
    ///   - perToken: compute every row of x exactly as a matmul of that row alone (n = 1) does, while
    ///     still reading each weight row once for all of them: the token rows of independent sequences
    ///     in one decode step (vs_matmul_rows_per_token). Without it the K-quants take llama.cpp's
    ///     batch routines from 4 or 8 tokens up, which sum in another order.
    ///   - path: force an instruction-set path (tests); `.best` otherwise.
    public static func matmul(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>,
                              pool: ThreadPool, quantized: QuantizedActivations? = nil, perToken: Bool = false,
                              path: KernelPath = .best) {
        guard n > 0 else { return }
        let type = Int32(w.type.rawValue)
        var qaPointer: UnsafeRawPointer?
        var packedPointer: UnsafeRawPointer?
        var owned: QuantizedActivations?
        if w.activation == .q8K {
            let q = quantized ?? QuantizedActivations(cols: w.cols, capacity: n)
            if quantized == nil { owned = q }
            let groupedEnd = perToken ? 0 : Int(vs_q8k_grouped_end(type, Int32(w.rows), Int32(n)))
            qaPointer = q.quantizeK(x, n: n, groupedEnd: groupedEnd, pool: pool)
        } else if vs_type_uses_qact(type) != 0 {
            if let quantized {
                precondition(quantized.cols == w.cols && quantized.count == n,
                             "matmul: quantized activations of \(quantized.count)×\(quantized.cols) for x of \(n)×\(w.cols)")
                qaPointer = UnsafeRawPointer(quantized.buffer)
                packedPointer = UnsafeRawPointer(quantized.packed)
            } else {
                let q = QuantizedActivations(cols: w.cols, capacity: n)
                q.quantize(x, n: n, pool: pool, path: path)
                qaPointer = UnsafeRawPointer(q.buffer)
                packedPointer = UnsafeRawPointer(q.packed)
                owned = q
            }
        }
        // The AVX-512 kernel reads the packed copy (`w.packed`, made by the model loader); without one
        // the AVX2 kernel runs, with the same results.
        let packedWeights = w.packed.map { $0.pointer }
        let granules = (w.rows + rowGranule - 1) / rowGranule
        let kernel = perToken ? vs_matmul_rows_per_token : vs_matmul_rows
        // A few chunks per thread, claimed as threads come free: balances a busy machine's uneven threads.
        pool.parallelFor(granules, chunks: pool.threadCount * 4) { begin, end, _ in
            kernel(type, w.data, w.rowBytes, Int32(w.rows), Int32(w.cols),
                   Int32(begin * rowGranule), Int32(min(end * rowGranule, w.rows)),
                   x, w.cols, qaPointer, packedPointer, packedWeights, Int32(n), y, w.rows, path.rawValue)
        }
        withExtendedLifetime(owned) {}
        withExtendedLifetime(w.packed) {}
    }

    /// One row of W as f32 (embedding lookups). `into` holds `w.cols` floats.
    public static func dequantizeRow(_ w: WeightMatrix, row: Int, into: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < w.rows, "dequantizeRow: row \(row) outside 0..<\(w.rows)")
        vs_dequantize_row(Int32(w.type.rawValue), w.row(row), into, Int32(w.cols))
    }
}
