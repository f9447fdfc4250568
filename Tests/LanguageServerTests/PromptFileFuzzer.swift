import Foundation
import Support

/// Seeded prompt-file content for the daemon's file fuzz: frontmatter whose `vsynth` settings get
/// random values of random types (extreme numbers included), demonstration markers mangled
/// (missing dashes, doubled, nested, reversed, the other format's), turns, BOMs, invalid UTF-8,
/// control characters and huge lines. Replayable from its seed.
struct PromptFileFuzzer {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    static let keys = ["count", "seed", "threshold", "refresh", "task", "model", "backend", "input_label",
                       "output_label", "cuont", ""]
    static let values = ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-1", "0", "1", "3",
                         "1000", "1001", "1e400", "-1e400", "1e308", "1.5", ".nan", ".NaN", ".inf", "-.inf", "0x7fffffffffffffff",
                         "0o777", "~", "null", "true", "on-save", "score", "off", "\"\"", "''", "[1, 2]", "{a: 1}", "[",
                         "{", "\"unterminated", "|\n    block\n    text", ">-\n    folded", "&anchor 3", "*alias", "!!int 3",
                         "Classify the review.", "\"\\u0000\"", "\"\\uD800\"", "- 1\n  - 2"]
    static let markers = ["{{!-- vsynth:demos --}}", "{{!-- /vsynth:demos --}}", "{{!-- vsynth:demos -}}",
                          "{{!- vsynth:demos --}}", "{{!--vsynth:demos--}}", "{{!-- /vsynth:demos -}}",
                          "{{! vsynth:demos }}", "{{!-- vsynth:demo --}}", "{{!-- VSYNTH:DEMOS --}}",
                          "<!-- vsynth:demos -->", "<!-- /vsynth:demos -->", "{{!-- vsynth:demos", "--}}"]
    static let turns = ["{{role \"user\"}}", "{{role \"model\"}}", "{{role \"system\"}}", "{{role \"other\"}}",
                        "{{role user}}", "{{role \"user\"", "### User", "### Model", "Input: a", "Output: b",
                        "The kettle boils fast.", "positive", "", "{{review}}", "{{#if x}}", "{{/if}}"]

    /// One setting line (nested under `vsynth:`, dotted, or under `ext.vsynth`).
    mutating func setting(style: Int) -> String {
        let key = pick(Self.keys), value = pick(Self.values)
        switch style {
        case 0: return "  \(key): \(value)"
        case 1: return "vsynth.\(key): \(value)"
        default: return "    \(key): \(value)"
        }
    }

    /// One prompt file's bytes.
    mutating func file() -> [UInt8] {
        var text = ""
        if int(0...9) > 0 {
            text += "---\n"
            if int(0...3) > 0 { text += "description: Classify the sentiment of the review.\n" }
            let style = int(0...2)
            text += style == 0 ? "vsynth:\n" : style == 2 ? "ext:\n  vsynth:\n" : ""
            for _ in 0..<int(0...6) { text += setting(style: style) + "\n" }
            if int(0...9) > 0 { text += "---\n" }
        }
        for _ in 0..<int(0...14) {
            text += int(0...2) == 0 ? pick(Self.markers) : pick(Self.turns)
            text += pick(["\n", "\r\n", "\r", " ", "\n\n"])
        }
        var bytes = Array(text.utf8)
        for _ in 0..<int(0...3) { mutate(&bytes) }
        return bytes
    }

    /// One byte-level damage: a BOM (or two), invalid UTF-8, a control character, a huge line, a cut.
    mutating func mutate(_ bytes: inout [UInt8]) {
        let at = bytes.isEmpty ? 0 : int(0...bytes.count)
        switch int(0...6) {
        case 0: bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF] + (int(0...1) == 0 ? [0xEF, 0xBB, 0xBF] : []), at: 0)
        case 1: bytes.insert(contentsOf: pick([[0xFF], [0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFE, 0xFF]]), at: at)
        case 2: bytes.insert(pick([0x00, 0x01, 0x1B, 0x7F, 0x0B, 0x0C]), at: at)
        case 3: bytes.insert(contentsOf: [UInt8](repeating: pick([0x61, 0x20, 0x7B]), count: int(10_000...200_000)), at: at)
        case 4: bytes.removeLast(bytes.isEmpty ? 0 : int(0...min(bytes.count, 40)))
        case 5: bytes.insert(contentsOf: [0xFF, 0xFE] + Array("---\n".utf16.flatMap { [UInt8($0), 0] }), at: 0)
        default: if !bytes.isEmpty { bytes[int(0...bytes.count - 1)] = UInt8.random(in: 0...255, using: &rng) }
        }
    }
}
