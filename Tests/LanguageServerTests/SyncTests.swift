import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Testing

@Suite struct SyncTests {
    /// "a😀b" + "é": one emoji (4 UTF-8 bytes, 2 UTF-16 units, 1 UTF-32 unit) and a 2-byte letter.
    static let text = "x: a😀b é\nsecond line\r\nthird"

    /// Replacing the "b" after the emoji, in each encoding's columns.
    @Test(arguments: [(PositionEncoding.utf8, 8), (.utf16, 6), (.utf32, 5)])
    func incrementalChangesUseTheNegotiatedEncoding(encoding: PositionEncoding, column: Int) async throws {
        let session = try TestSession()
        try await session.initialize(capabilities: ClientCapabilities(general: .init(positionEncodings: [encoding.rawValue])))
        let uri = "file:///tmp/sync.prompt"
        try session.open(uri, Self.text)
        try session.change(uri, version: 2, [
            TextDocumentContentChangeEvent(range: LSPRange(start: .init(line: 0, character: column),
                                                           end: .init(line: 0, character: column + 1)), text: "B"),
            // Then an insertion on the CRLF line and one past the end of a line (clamped to its end).
            TextDocumentContentChangeEvent(range: LSPRange(start: .init(line: 1, character: 6), end: .init(line: 1, character: 6)),
                                           text: "!"),
            TextDocumentContentChangeEvent(range: LSPRange(start: .init(line: 2, character: 99), end: .init(line: 2, character: 99)),
                                           text: " end"),
        ])
        try await session.barrier()
        let document = await session.server.documents[uri]
        #expect(document?.text == "x: a😀B é\nsecond! line\r\nthird end")
        #expect(document?.version == 2)
        await session.close()
    }

    @Test func fullTextChangeReplacesTheDocument() async throws {
        let session = try TestSession()
        try await session.initialize()
        let uri = "file:///tmp/full.prompt"
        try session.open(uri, "old")
        try session.change(uri, version: 5, [TextDocumentContentChangeEvent(text: "new text")])
        try await session.barrier()
        #expect(await session.server.documents[uri]?.text == "new text")
        await session.close()
    }

    @Test func aReversedRangeIsReportedAndTheTextKept() async throws {
        let session = try TestSession()
        try await session.initialize()
        let uri = "file:///tmp/rev.prompt"
        try session.open(uri, "abc\ndef")
        try session.change(uri, version: 2, [TextDocumentContentChangeEvent(
            range: LSPRange(start: .init(line: 1, character: 2), end: .init(line: 0, character: 1)), text: "X")])
        let message = try await session.message()
        #expect(message.type == 1)
        #expect(message.message.contains("the end comes before the start"))
        #expect(await session.server.documents[uri]?.text == "abc\ndef")
        await session.close()
    }

    /// Random edits applied by the server and by a plain String model agree, in every encoding.
    @Test func randomEditsMatchAStringModel() throws {
        var seed: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(max(bound, 1)))
        }
        let alphabet: [String] = ["a", "é", "😀", "\n", "\r\n", "中", " ", "{{"]  // no lone CR: a position between CR and LF does not exist
        for encoding in PositionEncoding.allCases {
            var document = Document(uri: "file:///r.prompt", version: 0, text: "")
            var model: [Character] = []
            for step in 1...300 {
                let text = String(model)
                let characters = Array(text)
                let a = next(characters.count + 1), b = next(characters.count + 1)
                let (lo, hi) = (min(a, b), max(a, b))
                let insert = (0..<next(4)).map { _ in alphabet[next(alphabet.count)] }.joined()
                // Positions of the character indices, computed independently from the String.
                func position(_ index: Int) -> Position {
                    let prefix = String(characters[..<index])
                    let bytes = Array(prefix.utf8)
                    let lines = LineIndex(bytes)
                    let line = lines.lineCount - 1
                    let lineText = String(decoding: bytes[lines.lineStarts[line]...], as: UTF8.self)
                    let column: Int = switch encoding {
                    case .utf8: lineText.utf8.count
                    case .utf16: lineText.utf16.count
                    case .utf32: lineText.unicodeScalars.count
                    }
                    return Position(line: line, character: column)
                }
                try document.apply([TextDocumentContentChangeEvent(range: LSPRange(start: position(lo), end: position(hi)), text: insert)],
                                   version: step, encoding: encoding)
                model.replaceSubrange(lo..<hi, with: Array(insert))
                #expect(document.text == String(model), "step \(step) in \(encoding)")
                if document.text != String(model) { return }
            }
        }
    }
}
