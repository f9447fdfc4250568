import GGUF

/// Plain Swift references of the K-quant kernels (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K) and of ggml's Q8_K activations, written
/// from ggml's block layouts and the float order of llama.cpp's x86 routines (named at each function);
/// the tests compare every C path against them bit for bit.
extension Kernels {
    /// One token's activations in ggml's Q8_K form: a scale per 256 and the sums of each 16 values.
    public struct QuantizedRowK: Equatable, Sendable {
        public var qs: [Int8]
        public var scales: [Float]
        public var sums: [Int16]
    }

    /// x quantized per block of 256 as ggml does: the element of largest magnitude m sets
    /// iscale = −127/m (so d = 1/iscale may be negative), q = round-half-even(x·iscale).
    /// `positiveWins`: m is a positive element when both +|m| and −|m| occur (x86
    /// ggml_quantize_mat_q8_K_4x8, for tokens in whole groups of 4); otherwise the first one
    /// (quantize_row_q8_K_ref).
    public static func quantizeKReference(_ x: UnsafePointer<Float>, cols: Int, positiveWins: Bool) -> QuantizedRowK {
        var row = QuantizedRowK(qs: [Int8](repeating: 0, count: cols), scales: [], sums: [])
        for b in 0..<cols / 256 {
            let v = UnsafeBufferPointer(start: x + 256 * b, count: 256)
            var amax: Float = 0, signed: Float = 0
            for value in v where abs(value) > amax { amax = abs(value); signed = value }
            if positiveWins, v.contains(amax) { signed = amax }
            guard amax != 0 else {
                row.scales.append(0)
                row.sums.append(contentsOf: [Int16](repeating: 0, count: 16))
                continue
            }
            let iscale = -127 / signed
            for j in 0..<256 { row.qs[256 * b + j] = Int8(min(127, (iscale * v[j]).rounded(.toNearestOrEven))) }
            for g in 0..<16 { row.sums.append(Int16(row.qs[256 * b + 16 * g..<256 * b + 16 * g + 16].reduce(0) { $0 + Int($1) })) }
            row.scales.append(1 / iscale)
        }
        return row
    }

    /// y(n, rows) = x(n, cols) · Wᵀ for K-quant weights exactly as llama.cpp's x86 backend computes it.
    /// Per 256-block b, with the block's values v (code − bias), sub-block scales sc and minimums m, the
    /// 16-element activation sums S, and integer sums over 4 consecutive columns of every 32 per lane l:
    ///
    ///  - Not repacked, n ≥ 8 (llama.cpp's tiled matmul, ggml-cpu/tiled): per block one exact integer
    ///    Σ = Σ_i sc·v·x and Σm = Σ_sub m·S, r = Float(Σ)·d_w (with minimums: r = fma(−dmin_w, Float(Σm), r)),
    ///    y = fma(r, d_x, y).
    ///  - Q4_K or Q2_K with rows a multiple of 8 (llama.cpp repacks them and runs ggml_gemv/gemm_q{4,2}_K_8x8_q8_K):
    ///    acc = fma(Σ, d_w·d_x, acc), accm = fma(Σm, dmin_w·d_x, accm) per block (gemv) or per 64
    ///    (Q4_K gemm) / 128 (Q2_K gemm) elements; y = acc − accm. Tokens in whole groups of 4 are quantized
    ///    by the 4-token quantizer and run by the gemm, the others by the gemv.
    ///  - Otherwise, n < 8 (ggml_vec_dot_q*_K_q8_K): lane_l = Σ sc·v·x over its columns,
    ///    acc_l = fma(d_x·d_w, lane_l, acc_l), y = hsum_float_8(acc) with each type's minimums: Q2_K first
    ///    acc_l = fma(−d_x·dmin_w, m_2l·S_2l + m_2l+1·S_2l+1, acc_l); Q4_K 4 lanes
    ///    accm_i = fma(−d_x·dmin_w, m_2i·(S pair) + m_2i+1·(S pair), accm_i), y += ((accm_0 + accm_2) + (accm_1 + accm_3));
    ///    Q5_K y += Σm running as fma(−d_x·dmin_w, Σ_sub m·(S pair), Σm); Q6_K's lanes use the
    ///    unsigned 6-bit codes less 32·(S_2l·sc_2l + S_2l+1·sc_2l+1).
    public static func matmulGGMLReferenceK(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        precondition(w.activation == .q8K, "matmulGGMLReferenceK: \(w.type.name) weights")
        let repacked = [.q4_K, .q2_K].contains(w.type) && w.rows % 8 == 0
        let grouped = repacked ? n - n % 4 : 0
        let tiled = !repacked && n >= 8
        let quantized = (0..<n).map { quantizeKReference(x + $0 * w.cols, cols: w.cols, positiveWins: $0 < grouped) }
        for r in 0..<w.rows {
            let blocks = (0..<w.cols / 256).map { decodeK(w.type, w.row(r) + $0 * w.type.typeSize) }
            for t in 0..<n {
                let q = quantized[t]
                var acc = [Float](repeating: 0, count: 8), accm = [Float](repeating: 0, count: 4)
                var single: Float = 0, singleMin: Float = 0
                for (b, k) in blocks.enumerated() {
                    let dx = q.scales[b]
                    func activation(_ i: Int) -> Int32 { Int32(q.qs[256 * b + i]) }
                    func sum16(_ g: Int) -> Int32 { Int32(q.sums[16 * b + g]) }
                    /// Σ sc·v·x and Σ m·S over elements [first, end).
                    func sums(_ first: Int, _ end: Int) -> (Int32, Int32) {
                        var sum: Int32 = 0, minimum: Int32 = 0
                        for i in first..<end { sum += k.scales[i / k.sub] * k.values[i] * activation(i) }
                        for g in first / 16..<end / 16 { minimum += k.mins[g * 16 / k.sub] * sum16(g) }
                        return (sum, minimum)
                    }
                    if tiled {
                        let (sum, minimum) = sums(0, 256)
                        var r = Float(sum) * k.d
                        if k.hasMin { r = r.addingProduct(-k.dmin, Float(minimum)) }
                        single = single.addingProduct(r, dx)
                    } else if repacked {
                        let step = t >= grouped ? 256 : w.type == .q4_K ? 64 : 128
                        for first in stride(from: 0, to: 256, by: step) {
                            let (sum, minimum) = sums(first, first + step)
                            single = single.addingProduct(Float(sum), k.d * dx)
                            singleMin = singleMin.addingProduct(Float(minimum), k.dmin * dx)
                        }
                    } else {
                        var lanes = [Int32](repeating: 0, count: 8)
                        let unbiased = w.type == .q6_K ? Int32(32) : 0
                        for i in 0..<256 { lanes[i % 32 / 4] += k.scales[i / k.sub] * (k.values[i] + unbiased) * activation(i) }
                        let dmin = -dx * k.dmin
                        switch w.type {
                        case .q6_K:
                            for l in 0..<8 { lanes[l] -= 32 * (sum16(2 * l) * k.scales[2 * l] + sum16(2 * l + 1) * k.scales[2 * l + 1]) }
                        case .q2_K:
                            for l in 0..<8 { acc[l] = acc[l].addingProduct(dmin, Float(k.mins[2 * l] * sum16(2 * l) + k.mins[2 * l + 1] * sum16(2 * l + 1))) }
                        case .q4_K:
                            for i in 0..<4 {
                                let product = k.mins[2 * i] * (sum16(4 * i) + sum16(4 * i + 1)) + k.mins[2 * i + 1] * (sum16(4 * i + 2) + sum16(4 * i + 3))
                                accm[i] = accm[i].addingProduct(dmin, Float(product))
                            }
                        case .q5_K:
                            singleMin = singleMin.addingProduct(dmin, Float(sums(0, 256).1))
                        default:
                            break
                        }
                        for l in 0..<8 { acc[l] = acc[l].addingProduct(dx * k.d, Float(lanes[l])) }
                    }
                }
                y[t * w.rows + r] = tiled ? single
                    : repacked ? single - singleMin
                    : w.type == .q4_K ? hsum8(acc) + ((accm[0] + accm[2]) + (accm[1] + accm[3]))
                    : w.type == .q5_K ? hsum8(acc) + singleMin
                    : hsum8(acc)
            }
        }
    }

    /// One K-quant 256-block: element i is d·scales[i/sub]·values[i] − dmin·mins[i/sub].
    struct KBlock {
        var values = [Int32](repeating: 0, count: 256)
        var scales: [Int32] = [], mins: [Int32] = []
        var sub = 16
        var d: Float = 0, dmin: Float = 0
        /// Q2_K, Q4_K and Q5_K store minimums.
        var hasMin = false
    }

    /// The block at `block` decoded from ggml's layouts (ggml-common.h), element orders as
    /// ggml-quants.c's dequantize_row_q*_K.
    static func decodeK(_ type: GGMLType, _ block: UnsafeRawPointer) -> KBlock {
        func byte(_ offset: Int) -> Int32 { Int32(block.load(fromByteOffset: offset, as: UInt8.self)) }
        func half(_ offset: Int) -> Float { halfToFloat(block.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
        var k = KBlock()
        switch type {
        case .q2_K:   // {u8 scales[16] (low 4 bits scale, high 4 min); u8 qs[64]; f16 d; f16 dmin}
            k.d = half(80); k.dmin = half(82); k.hasMin = true
            k.scales = (0..<16).map { byte($0) & 0xF }
            k.mins = (0..<16).map { byte($0) >> 4 }
            for i in 0..<256 { k.values[i] = byte(16 + 32 * (i / 128) + i % 32) >> Int32(2 * (i % 128 / 32)) & 3 }
        case .q3_K:   // {u8 hmask[32]; u8 qs[64]; u8 scales[12] (6-bit, − 32); f16 d}: 2 bits + hmask bit, − 4 without it
            k.d = half(108)
            k.scales = (0..<16).map { s in
                let low = s < 8 ? byte(96 + s) & 0xF : byte(96 + s - 8) >> 4
                return (low | (byte(96 + 8 + s % 4) >> Int32(2 * (s / 4)) & 3) << 4) - 32
            }
            k.mins = [Int32](repeating: 0, count: 16)
            for i in 0..<256 {
                let low = byte(32 + 32 * (i / 128) + i % 32) >> Int32(2 * (i % 128 / 32)) & 3
                let high = byte(i % 32) >> Int32(4 * (i / 128) + i % 128 / 32) & 1
                k.values[i] = low - (high == 1 ? 0 : 4)
            }
        case .q4_K, .q5_K:   // {f16 d; f16 dmin; u8 scales[12]; (Q5_K: u8 qh[32];) u8 qs[128]}
            let q5 = type == .q5_K
            k.sub = 32; k.d = half(0); k.dmin = half(2); k.hasMin = true
            k.scales = (0..<8).map { Int32(q4KScaleMin(block, $0).scale) }
            k.mins = (0..<8).map { Int32(q4KScaleMin(block, $0).min) }
            for i in 0..<256 {
                let s = i / 32, l = i % 32
                let nibble = byte((q5 ? 48 : 16) + 32 * (s / 2) + l) >> Int32(4 * (s % 2)) & 0xF
                k.values[i] = q5 ? nibble | (byte(16 + l) >> Int32(s) & 1) << 4 : nibble
            }
        default:      // Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}
            k.d = half(208)
            k.scales = (0..<16).map { Int32(block.load(fromByteOffset: 192 + $0, as: Int8.self)) }
            k.mins = [Int32](repeating: 0, count: 16)
            for i in 0..<256 { k.values[i] = q6KValue(block, i) - 32 }
        }
        return k
    }

    /// ggml's hsum_float_8: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)).
    static func hsum8(_ a: [Float]) -> Float { ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7])) }

    /// Element j of a Q5_0 block (5 bits − 16) or Q5_1 block (5 bits): the low 4 from qs (j < 16 low
    /// nibbles, then high), bit 5 from the 32-bit qh.
    static func q5Value(_ block: UnsafeRawPointer, _ j: Int, q5_1: Bool) -> Int32 {
        let qh = block.loadUnaligned(fromByteOffset: q5_1 ? 4 : 2, as: UInt32.self)
        let byte = block.load(fromByteOffset: (q5_1 ? 8 : 6) + j % 16, as: UInt8.self)
        let value = Int32(j < 16 ? byte & 0xF : byte >> 4) | Int32((qh >> UInt32(j)) & 1) << 4
        return q5_1 ? value : value - 16
    }

    /// Q4_K {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}: sub-block s's 6-bit scale and minimum.
    static func q4KScaleMin(_ block: UnsafeRawPointer, _ s: Int) -> (scale: Int, min: Int) {
        func q(_ i: Int) -> Int { Int(block.load(fromByteOffset: 4 + i, as: UInt8.self)) }
        if s < 4 { return (q(s) & 63, q(s + 4) & 63) }
        return ((q(s + 4) & 0xF) | (q(s - 4) >> 6) << 4, (q(s + 4) >> 4) | (q(s) >> 6) << 4)
    }

    /// Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}: element i's 6-bit value (0…63, standing for − 32).
    static func q6KValue(_ block: UnsafeRawPointer, _ i: Int) -> Int32 {
        let half = i / 128, k = i % 128 / 32, e = i % 32
        let low = block.load(fromByteOffset: 64 * half + e + (k & 1) * 32, as: UInt8.self)
        let high = block.load(fromByteOffset: 128 + 32 * half + e, as: UInt8.self)
        return Int32(k < 2 ? low & 0xF : low >> 4) | Int32(high >> UInt8(2 * k) & 3) << 4
    }
}
