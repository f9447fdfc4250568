import Foundation

/// The small vector operations of the forward pass besides matmul: RMSNorm, RoPE, SiLU, softmax,
/// exp. Written with `SIMD16<Float>` so they vectorise; each works on one row or a range of rows so
/// the caller decides how to split work across the thread pool.
public enum VectorMath {
    /// y = x / sqrt(mean(x²) + eps) · weight, for one row of `count` elements (llama.cpp's
    /// `ggml_rms_norm` then the elementwise weight). `x` and `y` may be the same row.
    @inline(__always)
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, count: Int,
                               epsilon: Float, into y: UnsafeMutablePointer<Float>) {
        // As ggml_compute_forward_rms_norm_f32: squares in Float summed in Double, the mean rounded
        // to Float, then scale = 1/sqrtf(mean + eps) in Float. (Each step's rounding matters: a one-ulp
        // change of an output can flip an 8-bit rounding in the next matmul's activations.)
        var lanes = SIMD8<Double>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            let v = load16(x + i)
            let squares = v * v
            lanes += SIMD8<Double>(squares.lowHalf) + SIMD8<Double>(squares.highHalf)
            i += 16
        }
        var sum = lanes.sum()
        while i < count { sum += Double(x[i] * x[i]); i += 1 }
        let mean = Float(sum / Double(count))
        let scale = 1 / (mean + epsilon).squareRoot()
        i = 0
        while i + 16 <= count {
            store16(load16(x + i) * scale * load16(weight + i), y + i)
            i += 16
        }
        while i < count { y[i] = x[i] * scale * weight[i]; i += 1 }
    }

    /// llama.cpp's rotary embedding, in place on one row of `heads` heads of `headDim` elements: pairs
    /// of the first `table.dimensions` elements of each head rotate by the angles of the row's
    /// position; the rest pass through. The pairs are adjacent, (x[2i], x[2i+1]), for llama.cpp's
    /// normal type, and (x[i], x[i + d/2]) for NEOX (`RopeLayout.halves`).
    @inline(__always)
    public static func rope(_ row: UnsafeMutablePointer<Float>, heads: Int, headDim: Int,
                            position: Int, table: RopeTable, layout: RopeLayout = .adjacentPairs) {
        let half = table.dimensions / 2
        let cosines = table.cosines + position * half
        let sines = table.sines + position * half
        // Element offsets of pair i: (first · i, first · i + second).
        let (first, second) = layout == .adjacentPairs ? (2, 1) : (1, half)
        for head in 0..<heads {
            let x = row + head * headDim
            for i in 0..<half {
                let x0 = x[first * i], x1 = x[first * i + second]
                let c = cosines[i], s = sines[i]
                // ggml's rotate_pairs as GCC compiles it (contracted): fma(x0, c, -(x1·s)), fma(x0, s, x1·c).
                x[first * i] = (-(x1 * s)).addingProduct(x0, c)
                x[first * i + second] = (x1 * c).addingProduct(x0, s)
            }
        }
    }

    /// x[i] *= factor over `count` elements (ggml_scale: the embedding and query scales).
    @inline(__always)
    public static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        var i = 0
        while i + 16 <= count {
            store16(load16(x + i) * factor, x + i)
            i += 16
        }
        while i < count { x[i] *= factor; i += 1 }
    }

    /// gate[i] = silu(gate[i]) · up[i] = gate / (1 + e^-gate) · up, over `count` elements.
    @inline(__always)
    public static func swiglu(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        var i = 0
        let one = SIMD16<Float>(repeating: 1)
        while i + 16 <= count {
            let g = load16(gate + i)
            store16(g / (one + exp(-g)) * load16(up + i), gate + i)
            i += 16
        }
        while i < count {
            let g = gate[i]
            gate[i] = g / (1 + Foundation.exp(-g)) * up[i]
            i += 1
        }
    }

    /// gate[i] = gelu(gate[i]) · up[i] over `count` elements, the reference of `vs_geglu`: ggml's tanh
    /// GELU (ggml_gelu_f32, its 1 + a·x·x contracted to one fma as GCC builds it) evaluated at x
    /// rounded to F16 and rounded to F16 itself, as ggml's F16 table holds it; 0 for x ≤ −10 and x for
    /// x ≥ 10, as ggml_vec_geglu_f32 branches.
    public static func geglu(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = gate[i]
            if x <= -10 { gate[i] = 0; continue }
            if x >= 10 { gate[i] = x * up[i]; continue }
            // (The sign restored: a tiny negative rounds to -0 in F16, HalfRounding gives +0.)
            let h = Float(signOf: x, magnitudeOf: HalfRounding.round(x))
            let inner: Float = 0.79788456080286535587989211986876 * h * Float(1).addingProduct(0.044715 * h, h)
            let gelu = 0.5 * h * (1 + Foundation.tanhf(inner))
            gate[i] = Float(signOf: gelu, magnitudeOf: HalfRounding.round(gelu)) * up[i]
        }
    }

    /// y += x over `count` elements (the residual connections).
    @inline(__always)
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            store16(load16(y + i) + load16(x + i), y + i)
            i += 16
        }
        while i < count { y[i] += x[i]; i += 1 }
    }

    /// Dot product of two rows of `count` elements.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD16<Float>(repeating: 0)
        var acc1 = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 32 <= count {
            acc0 += load16(a + i) * load16(b + i)
            acc1 += load16(a + i + 16) * load16(b + i + 16)
            i += 32
        }
        while i + 16 <= count {
            acc0 += load16(a + i) * load16(b + i)
            i += 16
        }
        var result = (acc0 + acc1).sum()
        while i < count { result += a[i] * b[i]; i += 1 }
        return result
    }

    /// y += a · x over `count` elements.
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let va = SIMD16<Float>(repeating: a)
        while i + 16 <= count {
            store16(load16(y + i) + va * load16(x + i), y + i)
            i += 16
        }
        while i < count { y[i] += a * x[i]; i += 1 }
    }

    /// In place x[i] = e^(x[i] - max) over `count` elements; returns the sum of the results.
    @inline(__always)
    public static func expShifted(_ x: UnsafeMutablePointer<Float>, count: Int, max: Float) -> Float {
        var i = 0
        var sum = SIMD16<Float>(repeating: 0)
        let vmax = SIMD16<Float>(repeating: max)
        while i + 16 <= count {
            let e = exp(load16(x + i) - vmax)
            store16(e, x + i)
            sum += e
            i += 16
        }
        var total = sum.sum()
        while i < count {
            let e = Foundation.exp(x[i] - max)
            x[i] = e
            total += e
            i += 1
        }
        return total
    }

    /// Whether all `count` elements are finite: x·0 is 0 for finite x and NaN for NaN and ±∞, so
    /// the sum of the products is 0 exactly when every element is finite (no overflow possible).
    /// One pass, cheap beside the matrix product that made the row; `allFiniteReference` is the
    /// plain loop it is tested against.
    public static func allFinite(_ x: UnsafePointer<Float>, count: Int) -> Bool {
        var i = 0
        var sum = SIMD16<Float>(repeating: 0)
        while i + 16 <= count {
            sum += load16(x + i) * 0
            i += 16
        }
        var total = sum.sum()
        while i < count { total += x[i] * 0; i += 1 }
        return total == 0
    }

    /// The scalar reference of `allFinite`.
    public static func allFiniteReference(_ x: UnsafePointer<Float>, count: Int) -> Bool {
        (0..<count).allSatisfy { x[$0].isFinite }
    }

    /// The largest of `count` elements (−∞ for none).
    @inline(__always)
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var best = SIMD16<Float>(repeating: -.infinity)
        while i + 16 <= count {
            best = pointwiseMax(best, load16(x + i))
            i += 16
        }
        var result = best.max()
        while i < count { result = Swift.max(result, x[i]); i += 1 }
        return result
    }

    /// ln Σ e^x over `count` elements, the sum kept in Double so a log-softmax is accurate to ~1e-7.
    public static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let top = maximum(x, count: count)
        var i = 0
        var sum = SIMD16<Float>(repeating: 0)
        var total: Double = 0
        let vmax = SIMD16<Float>(repeating: top)
        while i + 16 <= count {
            sum += exp(load16(x + i) - vmax)
            i += 16
            if i & 1023 == 0 { total += Double(sum.sum()); sum = .zero }
        }
        total += Double(sum.sum())
        while i < count { total += Foundation.exp(Double(x[i] - top)); i += 1 }
        return Double(top) + Foundation.log(total)
    }

    /// Index of the largest element (the first on ties).
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<count where x[i] > bestValue {
            best = i
            bestValue = x[i]
        }
        return best
    }

    /// e^x for 16 lanes: Cephes' range reduction and degree-6 polynomial, relative error ~1e-7 on
    /// [−87.3, 88.3]; inputs outside are clamped to it (e^−87.3 ≈ 1e-38, e^88.3 ≈ 2.4e38), which is
    /// exact enough for softmax and SiLU, the only users.
    /// Rounding to an integer uses the 1.5·2²³ trick: plain adds and bit casts, which vectorise where
    /// Swift's generic SIMD conversions do not.
    @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let low: Float = -87.33654, high: Float = 88.3762626647949
        let clamped = pointwiseMin(pointwiseMax(x, SIMD16(repeating: low)), SIMD16(repeating: high))
        let magic = SIMD16<Float>(repeating: 12582912)   // 1.5 · 2^23
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic                          // round(x / ln 2), as Float
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD16<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // 2^n with n ∈ [-126, 127]: the low bits of `shifted` hold n; n + 127 goes in the exponent field.
        let integer = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- 0x4B40_0000
        let bits = (integer &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load16(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
