/// Rounds Float values to the nearest IEEE half (round to nearest even), kept as Float. llama.cpp keeps
/// its KV cache in F16 and multiplies attention in F16 (queries and probabilities converted), so the
/// engine rounds the same values the same way to give the same numbers, without F16 arithmetic.
public enum HalfRounding {
    /// The nearest half-precision value of `x` (finite inputs within the half range).
    @inline(__always)
    public static func round(_ x: Float) -> Float {
        let magnitude = abs(x)
        if magnitude < 6.103515625e-05 {
            // Half subnormals are multiples of 2^-24: adding 0.5 puts that quantum at the float ulp.
            let rounded = (magnitude + 0.5) - 0.5
            return x < 0 ? -rounded : rounded
        }
        let bits = x.bitPattern
        let rounded = (bits &+ 0x0FFF &+ ((bits >> 13) & 1)) & 0xFFFF_E000
        return Float(bitPattern: rounded)
    }

    /// 16 lanes of `round(_:)`.
    @inline(__always)
    public static func round(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let normal = (bits &+ 0x0FFF &+ ((bits &>> 13) & 1)) & 0xFFFF_E000
        let magnitudeBits = bits & 0x7FFF_FFFF
        let magnitude = unsafeBitCast(magnitudeBits, to: SIMD16<Float>.self)
        let half = SIMD16<Float>(repeating: 0.5)
        let subnormal = unsafeBitCast((magnitude + half) - half, to: SIMD16<UInt32>.self) | (bits & 0x8000_0000)
        var result = normal
        result.replace(with: subnormal, where: magnitudeBits .< 0x3880_0000)   // |x| < 2^-14
        return unsafeBitCast(result, to: SIMD16<Float>.self)
    }

    /// Rounds `count` values in place.
    @inline(__always)
    public static func round(_ x: UnsafeMutablePointer<Float>, count: Int) {
        round(x, count: count, scale: 1)
    }

    /// x[i] = round(x[i] · scale) over `count` values.
    @inline(__always)
    public static func round(_ x: UnsafeMutablePointer<Float>, count: Int, scale: Float) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) * scale
            UnsafeMutableRawPointer(x + i).storeBytes(of: round(v), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { x[i] = round(x[i] * scale); i += 1 }
    }
}
