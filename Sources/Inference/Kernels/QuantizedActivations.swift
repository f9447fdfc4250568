import CKernels

/// A batch of activations x(n, cols) quantized to 8 bits per block of 32 exactly as llama.cpp's CPU
/// backend quantizes them (its Q8_0 and Q8_1 rules, F16 scales: see CKernels.h), the form
/// the integer kernels of Q4_0, Q4_1 and Q8_0 weights consume. Quantize once and pass it to every
/// matmul that reads the same x (the Q, K, V projections; gate and up), instead of once per matmul.
///
/// Layout per token (`tokenStride` bytes): int8 qs[cols] | f32 d[cols/32] | f32 s[cols/32] (Q8_1's
/// F16(d·Σq), the Q4_1 minimum's multiplier); beside it (`packed`) the sums of each 4 consecutive
/// qs, which the AVX-512 VNNI kernel subtracts for weights it feeds as unsigned bytes
/// (Sources/CKernels/avx512_qmatmul.c).
///
/// K-quant weights read x in ggml's Q8_K form instead (blocks of 256, `quantizeK`), made on first use
/// after each `quantize` and kept for the next matmul of the same x that asks for the same rounding.
public final class QuantizedActivations: @unchecked Sendable {
    /// Row length of x; a multiple of 32.
    public let cols: Int
    /// Tokens quantized by the last `quantize` call.
    public private(set) var count = 0
    /// Tokens the buffer holds without growing.
    public private(set) var capacity = 0
    /// Bytes per token.
    public let tokenStride: Int
    /// Bytes per token of the sums (`packed`).
    let packedStride: Int
    private(set) var buffer: UnsafeMutableRawPointer?
    private(set) var packed: UnsafeMutableRawPointer?
    /// The Q8_K form (CKernels.h, vs_q8k_token_bytes), `kCapacity` tokens.
    private(set) var kBuffer: UnsafeMutableRawPointer?
    private var kCapacity = 0
    /// Bumped by `quantize`: the Q8_K form is current while `kKey` holds this and its grouping.
    private var generation = 0
    private var kKey: (generation: Int, groupedEnd: Int)?

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
        kBuffer?.deallocate()
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
        generation += 1
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

    /// x(n, cols) in ggml's Q8_K form (cols a multiple of 256), tokens below `groupedEnd` rounded as
    /// llama.cpp's 4-token quantizer does (vs_quantize_q8k); reuses the form made for this same x (the
    /// one of the last `quantize` call) when `x` is nil and the grouping matches.
    func quantizeK(_ x: UnsafePointer<Float>, n: Int, groupedEnd: Int, pool: ThreadPool?) -> UnsafeRawPointer {
        precondition(cols % 256 == 0, "QuantizedActivations: cols \(cols) is not a multiple of 256")
        if let kKey, kKey.generation == generation, kKey.groupedEnd == groupedEnd, count == n, let kBuffer {
            return UnsafeRawPointer(kBuffer)
        }
        let stride = vs_q8k_token_bytes(Int32(cols))
        if n > kCapacity || kBuffer == nil {
            kBuffer?.deallocate()
            kCapacity = max(n, capacity, 1)
            kBuffer = UnsafeMutableRawPointer.allocate(byteCount: kCapacity * stride, alignment: 64)
        }
        let out = kBuffer!
        let cols = Int32(self.cols)
        let body = { (begin: Int, end: Int, _: Int) in
            vs_quantize_q8k(x, Int(cols), cols, Int32(begin), Int32(end), Int32(groupedEnd), out)
        }
        if let pool, n >= 8 { pool.parallelFor(n, body) } else { body(0, n, 0) }
        kKey = count == n ? (generation, groupedEnd) : nil
        return UnsafeRawPointer(out)
    }

    /// Token `t`'s Q8_K values, block scales and 16-sums, from the last `quantizeK` (tests).
    public func tokenK(_ t: Int) -> Kernels.QuantizedRowK {
        guard let kBuffer else { return Kernels.QuantizedRowK(qs: [], scales: [], sums: []) }
        let base = kBuffer + t * vs_q8k_token_bytes(Int32(cols))
        return Kernels.QuantizedRowK(
            qs: Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Int8.self), count: cols)),
            scales: Array(UnsafeBufferPointer(start: (base + cols).assumingMemoryBound(to: Float.self), count: cols / 256)),
            sums: Array(UnsafeBufferPointer(start: (base + cols + cols / 64).assumingMemoryBound(to: Int16.self), count: cols / 16)))
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
