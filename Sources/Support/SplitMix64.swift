/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), ours so that a seed gives
/// the same sequence on every platform and Swift version (the standard generator is not seedable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A seed for a sub-stream (one generation, one round), derived from this run's seed and a label,
    /// so that adding a draw in one place does not shift the numbers everywhere else.
    public static func derive(_ seed: UInt64, _ labels: UInt64...) -> UInt64 {
        var generator = SplitMix64(seed: seed)
        var value = generator.next()
        for label in labels {
            generator = SplitMix64(seed: value ^ (label &* 0xD6E8_FEB8_6659_FD93))
            value = generator.next()
        }
        return value
    }
}
