import Testing
@testable import PromptFile

/// Demonstration texts that stress UTF-16 columns: CJK, emoji with ZWJ and skin tones,
/// combining marks, astral-plane characters.
let unicodeDemonstrations = [
    Demonstration(input: "東京は日本の首都です。", output: "Tokyo is the capital of Japan."),
    Demonstration(input: "👩🏽‍💻 writes code; 👨‍👩‍👧‍👦 family", output: "emoji 🎉"),
    Demonstration(input: "e\u{301}le\u{300}ve — Zoë, naïve", output: "élève"),
    Demonstration(input: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝒳", output: "math: ∑ 𝑥ᵢ"),
]

/// The UTF-16 column of `offset` counted independently, with Swift's own UTF-16 view.
func referenceUTF16Column(_ text: String, offset: Int) -> Int {
    let bytes = Array(text.utf8)
    var lineStart = offset
    while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
    return String(decoding: bytes[lineStart..<offset], as: UTF8.self).utf16.count
}

@Suite struct UnicodeTests {
    @Test(arguments: PromptFormat.allCases)
    func unicodeRoundTripAndColumns(format: PromptFormat) throws {
        let path = format == .dotprompt ? "u.prompt" : "u.prompt.md"
        let text = "---\nvsynth:\n  task: \"翻訳する 🌏 \\u00e9\"\n  input_label: 入力\n---\n前書き 😀\n"
        let empty = PromptDocument(text: text, path: path)
        #expect(empty.errors.isEmpty, "\(empty.errors)")
        #expect(empty.task?.text == "翻訳する 🌏 é")
        #expect(empty.settings.inputLabel == "入力")
        let created = try TextEdit.apply(try empty.edits(replacingDemonstrationsWith: unicodeDemonstrations), to: text)
        let document = PromptDocument(text: created, path: path)
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.demonstrationPairs == unicodeDemonstrations)
        #expect(try document.edits(replacingDemonstrationsWith: unicodeDemonstrations).isEmpty)
        for demonstration in document.demonstrations {
            for turn in [demonstration.user, demonstration.model] {
                #expect(document.text(in: turn.range) == turn.text)
                for position in [turn.range.start, turn.range.end] {
                    #expect(position.utf16Column == referenceUTF16Column(created, offset: position.offset))
                    #expect(document.lines.offset(line: position.line, utf16Column: position.utf16Column) == position.offset)
                    #expect(document.lines.offset(line: position.line, utf8Column: position.utf8Column) == position.offset)
                }
            }
        }
    }

    @Test func utf16ColumnsOfKnownStrings() {
        let text = "👩🏽‍💻x\ne\u{301}y\n東z"
        let lines = LineIndex(Array(text.utf8))
        // 👩🏽‍💻 = U+1F469 U+1F3FD U+200D U+1F4BB: 4+4+3+4 = 15 bytes, 2+2+1+2 = 7 UTF-16 units.
        let x = lines.position(at: 15)
        #expect((x.line, x.utf8Column, x.utf16Column) == (0, 15, 7))
        // e + U+0301 (2 bytes, 1 unit).
        let y = lines.position(at: 17 + 3)
        #expect((y.line, y.utf8Column, y.utf16Column) == (1, 3, 2))
        let z = lines.position(at: 22 + 3)
        #expect((z.line, z.utf8Column, z.utf16Column) == (2, 3, 1))
        // Inside a surrogate pair there is no offset.
        #expect(lines.offset(line: 0, utf16Column: 1) == nil)
        #expect(lines.offset(line: 0, utf16Column: 7) == 15)
    }

    @Test func editsReportUTF16Columns() throws {
        let text = "---\ndescription: T\n---\n{{!-- vsynth:demos --}}\n{{role \"user\"}}\n😀😀 hi\n{{role \"model\"}}\nok\n{{!-- /vsynth:demos --}}\n"
        let document = PromptDocument(text: text, path: "e.prompt")
        let edits = try document.edits(replacingDemonstrationsWith: [Demonstration(input: "😀😀 ho", output: "ok")])
        #expect(edits.count == 1)
        let start = edits[0].range.start
        #expect(start.line == 5)
        #expect(start.utf8Column == 10)
        #expect(start.utf16Column == 6)
        #expect(try TextEdit.apply(edits, to: text).contains("😀😀 ho"))
    }
}
