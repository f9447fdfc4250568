import GGUF

/// Plain scalar Swift references of the kernels, written from ggml's block layouts and nothing else;
/// the tests compare every C path against them.
extension Kernels {
    /// y(n, rows) = x(n, cols) · Wᵀ in f32 with Double accumulation, from dequantized rows.
    public static func matmulReference(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        var row = [Float](repeating: 0, count: w.cols)
        for r in 0..<w.rows {
            dequantizeRowReference(w, row: r, into: &row)
            for t in 0..<n {
                var sum = 0.0
                for c in 0..<w.cols { sum += Double(row[c]) * Double(x[t * w.cols + c]) }
                y[t * w.rows + r] = Float(sum)
            }
        }
    }

    /// Row `row` of W as f32, decoded block by block as ggml-quants.c's dequantize_row_* do.
    public static func dequantizeRowReference(_ w: WeightMatrix, row: Int, into out: inout [Float]) {
        let base = w.row(row)
        func half(_ offset: Int) -> Float { halfToFloat(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
        func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        switch w.type {
        case .f32:
            for c in 0..<w.cols { out[c] = base.loadUnaligned(fromByteOffset: 4 * c, as: Float.self) }
        case .f16:
            for c in 0..<w.cols { out[c] = half(2 * c) }
        case .bf16:
            for c in 0..<w.cols {
                out[c] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: 2 * c, as: UInt16.self)) << 16)
            }
        case .q4_0:   // {f16 d; u8 qs[16]}: element j = (lo nibble of qs[j] - 8)·d, j+16 = hi nibble
            for b in 0..<w.cols / 32 {
                let o = b * 18, d = half(o)
                for j in 0..<16 {
                    out[b * 32 + j] = Float(Int(byte(o + 2 + j) & 0xF) - 8) * d
                    out[b * 32 + j + 16] = Float(Int(byte(o + 2 + j) >> 4) - 8) * d
                }
            }
        case .q4_1:   // {f16 d; f16 m; u8 qs[16]}: element = nibble·d + m
            for b in 0..<w.cols / 32 {
                let o = b * 20, d = half(o), m = half(o + 2)
                for j in 0..<16 {
                    out[b * 32 + j] = Float(byte(o + 4 + j) & 0xF) * d + m
                    out[b * 32 + j + 16] = Float(byte(o + 4 + j) >> 4) * d + m
                }
            }
        case .q5_0, .q5_1:   // {f16 d; (f16 m;) u32 qh; u8 qs[16]}: 4 low bits from qs, bit 5 from qh
            let q5_1 = w.type == .q5_1, size = q5_1 ? 24 : 22
            for b in 0..<w.cols / 32 {
                let o = b * size, d = half(o), m: Float = q5_1 ? half(o + 2) : 0
                for j in 0..<32 { out[b * 32 + j] = q5_1 ? Float(q5Value(base + o, j, q5_1: true)) * d + m : Float(q5Value(base + o, j, q5_1: false)) * d }
            }
        case .q8_0:   // {f16 d; i8 qs[32]}
            for b in 0..<w.cols / 32 {
                let o = b * 34, d = half(o)
                for j in 0..<32 { out[b * 32 + j] = Float(Int8(bitPattern: byte(o + 2 + j))) * d }
            }
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K:   // (d·scale)·value − dmin·min, as dequantize_row_q*_K
            for b in 0..<w.cols / 256 {
                let k = decodeK(w.type, base + b * w.type.typeSize)
                for i in 0..<256 { out[b * 256 + i] = k.d * Float(k.scales[i / k.sub]) * Float(k.values[i]) - k.dmin * Float(k.mins[i / k.sub]) }
            }
        default:
            for c in 0..<w.cols { out[c] = 0 }
        }
    }

    /// One row of activations quantized per block of 32.
    public struct QuantizedRow: Equatable, Sendable {
        public var qs: [Int8]
        /// d per block, an F16 value.
        public var scales: [Float]
        /// F16(d·Σq) per block with d before its F16 rounding: ggml's Q8_1 `s`.
        public var scaledSums: [Float]
    }

    /// x quantized per block of 32 as ggml's x86 quantize_row_q8_0 / q8_1 do it: d = max|x|/127,
    /// q = round-half-even(x · 127/max|x|), d stored as F16, s = F16(d·Σq).
    public static func quantizeReference(_ x: UnsafePointer<Float>, cols: Int) -> QuantizedRow {
        var row = QuantizedRow(qs: [Int8](repeating: 0, count: cols), scales: [], scaledSums: [])
        for b in 0..<cols / 32 {
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[b * 32 + j])) }
            let d = amax / 127, id = amax != 0 ? 127 / amax : 0
            var sum: Int32 = 0
            for j in 0..<32 {
                let q = Int8((x[b * 32 + j] * id).rounded(.toNearestOrEven))
                row.qs[b * 32 + j] = q
                sum += Int32(q)
            }
            row.scales.append(Float(Float16(d)))
            row.scaledSums.append(Float(Float16(d * Float(sum))))
        }
        return row
    }

    /// y(n, rows) = x(n, cols) · Wᵀ for quantized weights exactly as llama.cpp's x86 CPU backend computes
    /// it: the K-quants by `matmulGGMLReferenceK`, the others as below.
    public static func matmulGGMLReference(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        if w.activation == .q8K { matmulGGMLReferenceK(w, x: x, n: n, y: y) } else { matmulGGMLReference32(w, x: x, n: n, y: y) }
    }

    /// y(n, rows) = x(n, cols) · Wᵀ for Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 weights exactly as llama.cpp's x86 CPU
    /// backend computes it, bit for bit: x quantized by `quantizeReference`, then per output
    ///
    ///     per block: lane_l = Σ_{j=4l}^{4l+3} w_j·q_j (integers),  acc_l = fma(d_w·d_x, lane_l, acc_l)
    ///     y = ((acc4 + acc0) + (acc6 + acc2)) + ((acc5 + acc1) + (acc7 + acc3))  (+ Σ m·s for Q4_1)
    ///
    /// (ggml_vec_dot_q4_0_q8_0, _q4_1_q8_1, _q5_0_q8_0, _q5_1_q8_1, _q8_0_q8_0 and hsum_float_8; Q5_1
    /// adds Σ m·s as Q4_1 does). A Q4_0 matrix with rows a multiple of 8 is repacked by llama.cpp
    /// (q4_0_8x8_q8_0) and run by ggml_gemv/gemm_q4_0_8x8_q8_0: one integer sum per block,
    /// y = fma(Σ, d_w·d_x, y) block after block. Every C path must equal it.
    static func matmulGGMLReference32(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>) {
        precondition([.q4_0, .q4_1, .q5_0, .q5_1, .q8_0].contains(w.type), "matmulGGMLReference: \(w.type.name) weights")
        let quantized = (0..<n).map { quantizeReference(x + $0 * w.cols, cols: w.cols) }
        let blockBytes = w.type.typeSize
        let hasMinimum = w.type == .q4_1 || w.type == .q5_1
        let repacked = w.type == .q4_0 && w.rows % 8 == 0
        for r in 0..<w.rows {
            let row = w.row(r)
            for t in 0..<n {
                let q = quantized[t]
                var acc = [Float](repeating: 0, count: 8)
                var summs: Float = 0
                for b in 0..<w.cols / 32 {
                    let block = row + b * blockBytes
                    let dw = halfToFloat(block.loadUnaligned(as: UInt16.self))
                    var values = [Int32](repeating: 0, count: 32)
                    for j in 0..<32 {
                        switch w.type {
                        case .q8_0:
                            values[j] = Int32(block.load(fromByteOffset: 2 + j, as: Int8.self))
                        case .q5_0, .q5_1:
                            values[j] = q5Value(block, j, q5_1: w.type == .q5_1)
                        default:
                            let first = w.type == .q4_1 ? 4 : 2
                            let byte = block.load(fromByteOffset: first + j % 16, as: UInt8.self)
                            let nibble = Int32(j < 16 ? byte & 0xF : byte >> 4)
                            values[j] = w.type == .q4_0 ? nibble - 8 : nibble
                        }
                    }
                    let d = dw * q.scales[b]
                    if repacked {
                        let sum = (0..<32).reduce(Int32(0)) { $0 + values[$1] * Int32(q.qs[b * 32 + $1]) }
                        summs = summs.addingProduct(Float(sum), d)
                        continue
                    }
                    for l in 0..<8 {
                        var lane: Int32 = 0
                        for j in 4 * l..<4 * l + 4 { lane += values[j] * Int32(q.qs[b * 32 + j]) }
                        acc[l] = acc[l].addingProduct(d, Float(lane))
                    }
                    if hasMinimum {
                        summs += halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) * q.scaledSums[b]
                    }
                }
                let h = hsum8(acc)
                y[t * w.rows + r] = repacked ? summs : hasMinimum ? h + summs : h
            }
        }
    }

    /// The f32 values a quantized activation row stands for (q·d), to run `matmulReference` on exactly
    /// the inputs the integer kernels see.
    public static func dequantizedActivations(_ q: QuantizedRow) -> [Float] {
        q.qs.indices.map { Float(q.qs[$0]) * q.scales[$0 / 32] }
    }

    /// IEEE half to float (exact, subnormals included), independent of the C code's conversion.
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int(h >> 10 & 0x1F), mantissa = Float(h & 0x3FF)
        if exponent == 0 { return sign * mantissa * 0x1p-24 }
        if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
        return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}
