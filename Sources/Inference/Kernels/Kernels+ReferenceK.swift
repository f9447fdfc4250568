import GGUF

/// Plain Swift references of the K-quant kernels (Q4_K, Q6_K) and of ggml's Q8_K activations, written
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

    /// y(n, rows) = x(n, cols) · Wᵀ for Q4_K and Q6_K weights exactly as llama.cpp's x86 backend computes
    /// it. Per 256-block b, with integer sums over 4 consecutive columns per lane l (8 lanes) and the
    /// 16-element activation sums S:
    ///
    ///  - Not repacked, n ≥ 8 (llama.cpp's tiled matmul, ggml-cpu/tiled): per block one exact integer
    ///    Σ = Σ_i scale·(q − bias)·x (Q4_K also Σm = Σ_sub min·(S pair)), r = Float(Σ)·d_w
    ///    (Q4_K: r = fma(−dmin_w, Float(Σm), r)), y = fma(r, d_x, y).
    ///  - Q6_K, n < 8 (ggml_vec_dot_q6_K_q8_K): lane_l = Σ_sub scale·Σ q·x − 32·(S_2l·scale_2l + S_2l+1·scale_2l+1),
    ///    acc_l = fma(d_x·d_w, lane_l, acc_l); y = hsum_float_8(acc).
    ///  - Q4_K with rows a multiple of 8 (llama.cpp repacks it and runs ggml_gemv/gemm_q4_K_8x8_q8_K):
    ///    acc = fma(Σ_sub scale·Σ q·x, d_w·d_x, acc), accm = fma(Σ_sub min·(S pair), dmin_w·d_x, accm);
    ///    y = acc − accm. Tokens in whole groups of 4 are quantized by the 4-token quantizer and run by
    ///    the gemm, whose sums Σ_sub run over two sub-blocks at a time; the others by the gemv, per block.
    ///  - Q4_K otherwise, n < 8 (ggml_vec_dot_q4_K_q8_K): 8 lanes as Q6_K with d = d_x·d_w, plus 4 lanes
    ///    accm_i = fma(−d_x·dmin_w, min_2i·(S pair) + min_2i+1·(S pair), accm_i);
    ///    y = hsum_float_8(acc) + ((accm_0 + accm_2) + (accm_1 + accm_3)).
    public static func matmulGGMLReferenceK(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        precondition([.q4_K, .q6_K].contains(w.type), "matmulGGMLReferenceK: \(w.type.name) weights")
        let repacked = w.type == .q4_K && w.rows % 8 == 0
        let grouped = repacked ? n - n % 4 : 0
        let tiled = !repacked && n >= 8
        let quantized = (0..<n).map { quantizeKReference(x + $0 * w.cols, cols: w.cols, positiveWins: $0 < grouped) }
        for r in 0..<w.rows {
            for t in 0..<n {
                let q = quantized[t]
                var acc = [Float](repeating: 0, count: 8), accm = [Float](repeating: 0, count: 4)
                var single: Float = 0, singleMin: Float = 0
                for b in 0..<w.cols / 256 {
                    let block = w.row(r) + b * w.type.typeSize
                    let dx = q.scales[b]
                    func activation(_ i: Int) -> Int32 { Int32(q.qs[256 * b + i]) }
                    func sum16(_ g: Int) -> Int32 { Int32(q.sums[16 * b + g]) }
                    var lanes = [Int32](repeating: 0, count: 8)
                    if tiled {
                        var sum: Int32 = 0, minimum: Int32 = 0, r: Float
                        if w.type == .q6_K {
                            for i in 0..<256 { sum += Int32(block.load(fromByteOffset: 192 + i / 16, as: Int8.self)) * (q6KValue(block, i) - 32) * activation(i) }
                            r = Float(sum) * halfToFloat(block.loadUnaligned(fromByteOffset: 208, as: UInt16.self))
                        } else {
                            for i in 0..<256 { sum += Int32(q4KScaleMin(block, i / 32).scale) * Int32(q4KValue(block, i / 32, i % 32)) * activation(i) }
                            for s in 0..<8 { minimum += Int32(q4KScaleMin(block, s).min) * (sum16(2 * s) + sum16(2 * s + 1)) }
                            let dw = halfToFloat(block.loadUnaligned(as: UInt16.self))
                            let dminw = halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                            r = (Float(sum) * dw).addingProduct(-dminw, Float(minimum))
                        }
                        single = single.addingProduct(r, dx)
                        continue
                    }
                    if w.type == .q6_K {
                        let scales = (0..<16).map { Int32(block.load(fromByteOffset: 192 + $0, as: Int8.self)) }
                        for i in 0..<256 { lanes[i % 32 / 4] += scales[i / 16] * q6KValue(block, i) * activation(i) }
                        for l in 0..<8 { lanes[l] -= 32 * (sum16(2 * l) * scales[2 * l] + sum16(2 * l + 1) * scales[2 * l + 1]) }
                        let d = dx * halfToFloat(block.loadUnaligned(fromByteOffset: 208, as: UInt16.self))
                        for l in 0..<8 { acc[l] = acc[l].addingProduct(d, Float(lanes[l])) }
                        continue
                    }
                    let dw = halfToFloat(block.loadUnaligned(as: UInt16.self))
                    let dminw = halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                    let scaleMins = (0..<8).map { q4KScaleMin(block, $0) }
                    for i in 0..<256 { lanes[i % 32 / 4] += Int32(scaleMins[i / 32].scale) * Int32(q4KValue(block, i / 32, i % 32)) * activation(i) }
                    let pairs = (0..<8).map { sum16(2 * $0) + sum16(2 * $0 + 1) }
                    if repacked {
                        // gemm (tokens below `grouped`) adds per two sub-blocks of 32, gemv per block.
                        let step = t < grouped ? 2 : 8
                        for first in stride(from: 0, to: 8, by: step) {
                            var sum: Int32 = 0, minimum: Int32 = 0
                            for s in first..<first + step {
                                for i in 32 * s..<32 * s + 32 { sum += Int32(scaleMins[s].scale) * Int32(q4KValue(block, s, i % 32)) * activation(i) }
                                minimum += Int32(scaleMins[s].min) * pairs[s]
                            }
                            single = single.addingProduct(Float(sum), dw * dx)
                            singleMin = singleMin.addingProduct(Float(minimum), dminw * dx)
                        }
                    } else {
                        for l in 0..<8 { acc[l] = acc[l].addingProduct(dx * dw, Float(lanes[l])) }
                        for i in 0..<4 {
                            let product = Int32(scaleMins[2 * i].min) * pairs[2 * i] + Int32(scaleMins[2 * i + 1].min) * pairs[2 * i + 1]
                            accm[i] = accm[i].addingProduct(-dx * dminw, Float(product))
                        }
                    }
                }
                y[t * w.rows + r] = tiled ? single
                    : w.type == .q6_K ? hsum8(acc)
                    : repacked ? single - singleMin
                    : hsum8(acc) + ((accm[0] + accm[2]) + (accm[1] + accm[3]))
            }
        }
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

    /// Q4_K sub-block s, element l: nibble (low for even s, high for odd) of qs[32·(s/2) + l].
    static func q4KValue(_ block: UnsafeRawPointer, _ s: Int, _ l: Int) -> UInt8 {
        let byte = block.load(fromByteOffset: 16 + 32 * (s / 2) + l, as: UInt8.self)
        return s % 2 == 0 ? byte & 0xF : byte >> 4
    }

    /// Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}: element i's 6-bit value (0…63, standing for − 32).
    static func q6KValue(_ block: UnsafeRawPointer, _ i: Int) -> Int32 {
        let half = i / 128, k = i % 128 / 32, e = i % 32
        let low = block.load(fromByteOffset: 64 * half + e + (k & 1) * 32, as: UInt8.self)
        let high = block.load(fromByteOffset: 128 + 32 * half + e, as: UInt8.self)
        return Int32(k < 2 ? low & 0xF : low >> 4) | Int32(high >> UInt8(2 * k) & 3) << 4
    }
}
