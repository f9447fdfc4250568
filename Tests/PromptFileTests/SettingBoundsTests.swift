import Testing
@testable import PromptFile

/// Issue 11, finding 1: every numeric setting, fed its extremes, is either in `Limits` or an error
/// located at the value — never a number the synthesizer multiplies into an overflow.
@Suite struct SettingBoundsTests {
    /// What YAML can spell, and whether each numeric setting accepts it.
    static let extremes: [(text: String, count: Bool, seed: Bool, threshold: Bool)] = [
        ("9223372036854775807", false, true, false),
        ("-9223372036854775808", false, false, false),
        ("9223372036854775808", false, false, false),
        ("-1", false, false, true),
        ("0", true, true, true),
        ("1000", true, true, true),
        ("1001", false, true, true),
        ("1e400", false, false, false),
        ("1e308", false, false, false),
        ("-1e308", false, false, false),
        (".nan", false, false, false),
        (".inf", false, false, false),
        ("-.inf", false, false, false),
        ("0x7fffffffffffffff", false, true, false),
        ("1.5", false, false, true),
    ]

    @Test(arguments: ["count", "seed", "threshold"])
    func extremesAreInBoundsOrLocatedErrors(key: String) {
        for extreme in Self.extremes {
            let accepted = key == "count" ? extreme.count : key == "seed" ? extreme.seed : extreme.threshold
            for spelling in ["vsynth:\n  \(key): \(extreme.text)", "vsynth.\(key): \(extreme.text)"] {
                let document = dotprompt("description: classify\n\(spelling)", "body\n")
                if accepted {
                    #expect(document.errors.isEmpty, "\(key): \(extreme.text): \(document.errors)")
                    continue
                }
                #expect(document.errors.count == 1, "\(key): \(extreme.text) was accepted")
                guard let error = document.errors.first?.error, let range = error.range else { continue }
                // Located at the value: its line, and the column where the value starts (0-based).
                let nested = spelling.hasPrefix("vsynth:")
                let line = nested ? 3 : 2
                let column = (nested ? 2 : "vsynth.".count) + key.count + 2
                #expect(range.start.line == line && range.start.utf8Column == column,
                        "\(key): \(extreme.text): \(error.description)")
                #expect(["setting-value", "setting-type", "yaml-number-out-of-range"].contains(error.code), "\(error.code)")
                #expect(document.settings.count == nil && document.settings.seed == nil && document.settings.threshold == nil)
            }
        }
    }

    @Test func messagesStateTheRange() {
        let count = dotprompt("description: t\nvsynth.count: 9223372036854775807", "")
        #expect(count.errors.first?.error.message == "setting 'vsynth.count' must be in 0...1000, found 9223372036854775807")
        let threshold = dotprompt("description: t\nvsynth:\n  threshold: .nan", "")
        #expect(threshold.errors.first?.error.message
                == "setting 'vsynth.threshold' must be a finite number in -1000000...1000000, found .nan")
        #expect(dotprompt("description: t\nvsynth.threshold: -.inf", "").errors.first?.error.message.hasSuffix("found -.inf") == true)
    }
}
