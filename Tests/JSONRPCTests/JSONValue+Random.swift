import JSONRPC
import Support

/// Random JSON values for the fuzz tests, drawn from a seeded `SplitMix64` so that every random test
/// reproduces exactly.
extension JSONValue {
    /// A random value with nesting up to `depth`, covering every kind, escapes and non-ASCII text.
    static func random(depth: Int, using rng: inout SplitMix64) -> JSONValue {
        let kind = Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &rng)
        switch kind {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let choices: [Int64] = [0, 1, -1, .max, .min, Int64.random(in: -1000...1000, using: &rng),
                                    Int64.random(in: .min ... .max, using: &rng)]
            return .integer(choices.randomElement(using: &rng) ?? 0)
        case 3:
            let choices: [Double] = [0.5, -0.0, 1.0, 1e300, .leastNonzeroMagnitude, 2.2250738585072014e-308,
                                     Double.random(in: -1e6...1e6, using: &rng),
                                     Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng))]
            let d = choices.randomElement(using: &rng) ?? 0
            return .double(d.isFinite ? d : 1.5)
        case 4, 5: return .string(randomString(using: &rng))
        case 6:
            return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in random(depth: depth - 1, using: &rng) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                members[randomString(using: &rng)] = random(depth: depth - 1, using: &rng)
            }
            return .object(members)
        }
    }

    static func randomString(using rng: inout SplitMix64) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}",
                      "é", "€", "😀", "\u{10FFFF}", "\u{FEFF}", "ß", "日本"]
        return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
    }
}
