import Foundation
import PromptFile
import Testing

/// Issue 11, finding 8 at the parser: UTF-16 files, a doubled byte-order mark, markers written
/// almost right, FIFOs, and messages that quote a marker rather than the region behind it.
struct HardeningParseTests {
    static let region = "{{!-- vsynth:demos --}}\n{{role \"user\"}}\nx\n{{role \"model\"}}\ny\n{{!-- /vsynth:demos --}}\n"

    @Test("utf-16 is named as such", arguments: [(true, true), (false, true), (false, false), (true, false)])
    func utf16(bigEndian: Bool, withMark: Bool) {
        let text = "---\nvsynth.task: T\n---\n" + Self.region
        var bytes: [UInt8] = withMark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let document = PromptDocument(bytes: bytes, path: "t.prompt")
        #expect(errorCodes(document) == ["utf16"])
        #expect(document.errors[0].message.contains(bigEndian ? "big-endian" : "little-endian"))
        #expect(document.errors[0].error.hint != nil)
    }

    @Test func aDoubledByteOrderMarkIsAnErrorAt1_1AndTheFrontmatterStillReads() {
        let document = PromptDocument(text: "\u{FEFF}\u{FEFF}---\nvsynth.task: T\n---\n" + Self.region, path: "t.prompt")
        #expect(errorCodes(document) == ["repeated-byte-order-mark"])
        #expect(document.errors[0].range?.start.line == 0 && document.errors[0].range?.start.utf8Column == 0)
        #expect(document.task?.text == "T")
        let single = PromptDocument(text: "\u{FEFF}---\nvsynth.task: T\n---\n" + Self.region, path: "t.prompt")
        #expect(single.errors.isEmpty)
    }

    @Test("markers written almost right are located errors naming the marker meant", arguments: [
        ("{{!-- vsynth:demos -}}", "{{!-- /vsynth:demos --}}", "{{!-- vsynth:demos --}}"),
        ("{{!- vsynth:demos --}}", "{{!-- /vsynth:demos --}}", "{{!-- vsynth:demos --}}"),
        ("{{!--- vsynth:demos ---}}", "{{!-- /vsynth:demos --}}", "{{!-- vsynth:demos --}}"),
        ("{{-- vsynth:demos --}}", "{{!-- /vsynth:demos --}}", "{{!-- vsynth:demos --}}"),
        ("{{!-- vsynth:demos --}}", "{{!-- /vsynth:demos -}}", "{{!-- /vsynth:demos --}}"),
    ])
    func malformedHandlebarsMarker(open: String, close: String, expected: String) throws {
        let body = Self.region.replacingOccurrences(of: "{{!-- vsynth:demos --}}", with: open)
            .replacingOccurrences(of: "{{!-- /vsynth:demos --}}", with: close)
        let document = dotprompt("vsynth.task: T", body)
        #expect(errorCodes(document) == ["malformed-marker"])
        let message = try #require(document.errors.first?.message)
        #expect(!message.contains("\n") && !message.contains("role"), "\(message)")
        #expect(message.hasSuffix("write it as '\(expected)'"))
        // Read as the marker it meant: the hand-written demonstration is not swallowed…
        #expect(document.demonstrations.count == 1)
        // …and no edit adds a second region.
        #expect(throws: PromptFileError.self) { try document.edits(replacingDemonstrationsWith: document.demonstrationPairs) }
    }

    @Test func malformedMarkdownMarker() {
        let text = "---\nvsynth.task: T\n---\n<!-- vsynth:demos ->\n### User\nx\n### Model\ny\n<!-- /vsynth:demos -->\n"
        let document = PromptDocument(text: text, path: "t.prompt.md")
        #expect(errorCodes(document) == ["malformed-marker"])
        #expect(document.errors[0].message == "malformed region marker '<!-- vsynth:demos ->': write it as '<!-- vsynth:demos -->'")
    }

    @Test func exactMarkersAreNotNearMisses() {
        for open in ["{{!-- vsynth:demos --}}", "{{!--vsynth:demos--}}", "{{! vsynth:demos }}"] {
            let document = dotprompt("vsynth.task: T", Self.region.replacingOccurrences(of: "{{!-- vsynth:demos --}}", with: open))
            #expect(document.diagnostics.isEmpty, "\(open): \(document.diagnostics)")
            #expect(document.demonstrations.count == 1)
        }
    }

    @Test func anUnknownMarkerQuotesOneShortLine() throws {
        let document = dotprompt("vsynth.task: T", "{{!-- vsynth:other\n" + String(repeating: "long line ", count: 30) + "\n--}}\n")
        let warning = try #require(document.warnings.first { $0.error.code == "unknown-marker" })
        #expect(!warning.message.contains("\n"))
        #expect(warning.message.count < 140, "\(warning.message)")
    }

    @Test func aFIFOIsRefusedWithoutReadingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vsynth-fifo-\(UUID().uuidString).prompt").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(throws: PromptFileError.notRegularFile(path: path, kind: "a fifo (named pipe)")) { try PromptDocument(contentsOfFile: path) }
    }
}
