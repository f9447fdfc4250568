import CKernels

/// A batch of activations x(n, cols) quantized to 8 bits per block of 32 exactly as llama.cpp's CPU
/// backend quantizes them (its Q8_0 and Q8_1 rules, F16 scales: see CKernels.h), the form
/// the integer kernels of Q4_0, Q4_1 and Q8_0 weights consume. Quantize once and pass it to every
/// matmul that reads the same x (the Q, K, V projections; gate and up), instead of once per matmul.
///
/// Layout per token (`tokenStride` bytes): int8 qs[cols] | f32 d[cols/32] | f32 s[cols/32] (Q8_1's
/// F16(d·Σq), the Q4_1 minimum's multiplier); beside it the same values repacked for the AVX-512
/// VNNI kernel (Sources/CKernels/avx512_qmatmul.c).
public final class QuantizedActivations: @unchecked Sendable {
    /// Row length of x; a multiple of 32.
    public let cols: Int
    /// Tokens quantized by the last `quantize` call.
    public private(set) var count = 0
    /// Tokens the buffer holds without growing.
    public private(set) var capacity = 0
    /// Bytes per token.
    public let tokenStride: Int
    /// Bytes per token of the packed copy.
    let packedStride: Int
    private(set) var buffer: UnsafeMutableRawPointer?
    private(set) var packed: UnsafeMutableRawPointer?

    /// - Parameter cols: the row length of x, a multiple of 32 (checked by `quantize`).
    public init(cols: Int, capacity: Int = 1) {
        self.cols = cols
        tokenStride = cols % 32 == 0 && cols > 0 ? vs_qact_token_bytes(Int32(cols)) : 0
        packedStride = cols % 32 == 0 && cols > 0 ? vs_packed_act_token_bytes(Int32(cols)) : 0
        reserve(capacity)
    }

    deinit {
        buffer?.deallocate()
        packed?.deallocate()
    }

    private func reserve(_ tokens: Int) {
        guard tokens > capacity else { return }
        buffer?.deallocate()
        packed?.deallocate()
        buffer = UnsafeMutableRawPointer.allocate(byteCount: max(64, tokens * tokenStride), alignment: 64)
        packed = UnsafeMutableRawPointer.allocate(byteCount: max(64, tokens * packedStride), alignment: 64)
        capacity = tokens
    }

    /// Quantizes x(n, cols) (row-major, rows `cols` apart), threaded over tokens.
    public func quantize(_ x: UnsafePointer<Float>, n: Int, pool: ThreadPool? = nil, path: KernelPath = .best) {
        precondition(tokenStride > 0, "QuantizedActivations: cols \(cols) is not a positive multiple of 32")
        reserve(n)
        count = n
        guard let buffer, let packed else { return }
        let cols = Int32(self.cols)
        let body = { (begin: Int, end: Int, _: Int) in
            vs_quantize_activations(x, Int(cols), cols, Int32(begin), Int32(end), buffer, path.rawValue)
            // The packed copy is read by the AVX-512 kernels only.
            if vs_best_path() >= Int32(VS_PATH_AVX512) {
                vs_pack_activations(buffer, cols, Int32(begin), Int32(end), Int32(n), packed)
            }
        }
        if let pool, n >= 8 { pool.parallelFor(n, body) } else { body(0, n, 0) }
    }

    /// Token `t`'s quantized values, scales and scaled sums (for tests and references).
    public func token(_ t: Int) -> Kernels.QuantizedRow {
        precondition(t >= 0 && t < count)
        guard let buffer else { return Kernels.QuantizedRow(qs: [], scales: [], scaledSums: []) }
        let base = buffer + t * tokenStride
        let blocks = cols / 32
        let qs = Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Int8.self), count: cols))
        let scales = Array(UnsafeBufferPointer(start: (base + cols).assumingMemoryBound(to: Float.self), count: blocks))
        let scaled = Array(UnsafeBufferPointer(start: (base + cols + blocks * 4).assumingMemoryBound(to: Float.self), count: blocks))
        return Kernels.QuantizedRow(qs: qs, scales: scales, scaledSums: scaled)
    }
}
