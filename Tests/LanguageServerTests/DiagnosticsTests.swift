import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import TestSupport
import Testing

@Suite struct DiagnosticsTests {
    let uri = "file:///tmp/diagnostics.prompt"

    @Test func parseErrorsAreErrorsAtTheirPosition() async throws {
        let session = try TestSession()
        try await session.initialize()
        try session.open(uri, "---\ndescription: x\n---\n{{!-- vsynth:demos --}}\nstray text\n{{!-- /vsynth:demos --}}\n")
        let published = try await session.diagnostics(uri)
        let error = try #require(published.diagnostics.first { $0.severity == .error })
        #expect(error.range.start.line == 4)
        #expect(error.range.start.character == 0)
        #expect(published.version == 1)
        await session.close()
    }

    @Test func everyDemonstrationGetsItsScoreAndTheInconsistentOneAWarning() async throws {
        let session = try TestSession()
        try await session.initialize()
        try session.open(uri, Fixture.prompt(demonstrations: 4))
        let published = try await session.scoredDiagnostics(uri, demonstrations: 4)
        let scores = published.diagnostics.filter { $0.code == "vscore" || $0.code == "low-vscore" }
        #expect(scores.count == 4)
        // The threshold (0 by default) splits them: under it a Warning, else Information.
        #expect(scores.contains { $0.code == "low-vscore" }, "the off-task demonstration scores below 0")
        for diagnostic in scores {
            let value = try #require(diagnostic.data?["vscore"]?.doubleValue)
            #expect(diagnostic.severity == (value < 0 ? .warning : .information))
            #expect(diagnostic.code == (value < 0 ? "low-vscore" : "vscore"))
            #expect(diagnostic.message.contains("per token"))
            // Every score names its frame (the model's ChatML here).
            #expect(diagnostic.data?["frame"]?.stringValue == "chatml-system-v1")
            #expect(diagnostic.message.contains("frame chatml-system-v1"))
            #expect(diagnostic.message.contains("below the threshold") == (value < 0))
        }
        // Each sits on its `{{role "user"}}` tag.
        let lines = Fixture.prompt(demonstrations: 4).components(separatedBy: "\n")
        for diagnostic in scores { #expect(lines[diagnostic.range.start.line] == "{{role \"user\"}}") }
        await session.close()
    }

    @Test func onlyChangedDemonstrationsAreRescoredAndANewerChangeCancelsTheOlder() async throws {
        let model = WordCacheModel()
        let session = try TestSession(model: model)
        try await session.initialize()
        let text = Fixture.prompt(demonstrations: 3)
        try session.open(uri, text)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 3)
        #expect(await session.server.cache.count == 3)
        let callsBefore = model.callCount
        // Five quick edits to one word of demonstration 2 ("Broke" → "Broken", one letter at a time).
        let line = text.components(separatedBy: "\n").firstIndex(of: "Broke after two days.")!
        for (step, letter) in ["n", "!", "!", "!", "!"].enumerated() {
            try session.change(uri, version: 2 + step, [TextDocumentContentChangeEvent(
                range: LSPRange(start: .init(line: line, character: 5 + step), end: .init(line: line, character: 5 + step)),
                text: letter)])
        }
        let published = try await session.diagnostics(uri) { notification in
            notification.version == 6 && notification.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }.count == 3
        }
        #expect(published.version == 6)
        // One scoring of one demonstration: two passes (task and null context), after the debounce.
        #expect(model.callCount - callsBefore == 2)
        #expect(await session.server.cache.count == 4)
        await session.close()
    }

    @Test func inlayHintsAndHoverExplainTheScore() async throws {
        let session = try TestSession()
        try await session.initialize()
        let text = Fixture.prompt(demonstrations: 2)
        try session.open(uri, text)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let lines = text.components(separatedBy: "\n")
        let hints = try await session.client.send(InlayHintRequest(
            textDocument: .init(uri: uri), range: LSPRange(start: .init(line: 0, character: 0), end: .init(line: lines.count, character: 0))))
        #expect(hints.count == 2)
        #expect(hints.allSatisfy { $0.label.hasPrefix("V ") && $0.label.contains("/tok") })
        // After "positive", the end of the first model turn.
        let first = try #require(hints.first)
        #expect(lines[first.position.line] == "positive")
        #expect(first.position.character == "positive".utf8.count)

        let userLine = try #require(lines.firstIndex(of: "Broke after two days."))
        let hover = try #require(try await session.client.send(HoverRequest(
            textDocument: .init(uri: uri), position: .init(line: userLine, character: 3))))
        #expect(hover.contents.kind == "markdown")
        for part in ["Demonstration 2", "ln p(D | T)", "ln p(D | ∅)", "tokens", "Least consistent tokens"] {
            #expect(hover.contents.value.contains(part), "hover lacks \(part)")
        }
        let nothing = try await session.client.send(HoverRequest(textDocument: .init(uri: uri), position: .init(line: 1, character: 0)))
        #expect(nothing == nil)
        await session.close()
    }

    @Test func codeActionsOfferTheCommandsAndResolve() async throws {
        let session = try TestSession()
        try await session.initialize()
        try session.open(uri, Fixture.prompt(demonstrations: 2, count: 4))
        _ = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let actions = try await session.client.send(CodeActionRequest(
            textDocument: .init(uri: uri), range: LSPRange(start: .init(line: 12, character: 0), end: .init(line: 12, character: 0))))
        let commands = actions.compactMap { $0.command?.command }
        #expect(commands == ["vsynth.synthesize", "vsynth.topUp", "vsynth.replaceWeakest", "vsynth.rescore"])
        #expect(actions[1].title.contains("top up to 4"))
        var unresolved = actions[0]
        unresolved.command = nil
        let resolved = try await session.client.send(CodeActionResolveRequest(action: unresolved))
        #expect(resolved.command?.command == "vsynth.synthesize")
        #expect(resolved.command?.arguments?.first?["uri"]?.stringValue == uri)
        await session.close()
    }

    @Test func closedFilesInTheWorkspaceAreScoredWhenTheyChange() async throws {
        let folder = try TemporaryDirectory("lsp").url
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = try TestSession()
        try await session.initialize(folders: [folder.path])
        try await session.barrier()
        let file = folder.appendingPathComponent("watched.prompt")
        try Fixture.prompt(demonstrations: 2).write(to: file, atomically: true, encoding: .utf8)
        let published = try await session.diagnostics(FileURI.uri(of: file.path)) {
            $0.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }.count == 2
        }
        #expect(published.version == nil)
        // A non-prompt file is never looked at.
        try "x".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        await session.close()
    }
}

/// A hand-written output that breaks `output.schema` is flagged at the value at fault, and the
/// flag goes as soon as the text is fixed.
@Suite struct OutputSchemaDiagnosticsTests {
    let uri = "file:///tmp/schema.prompt"
    static let text = """
    ---
    vsynth.task: Extract the day of the meeting.
    output:
      schema:
        day(enum): [monday, tuesday]
        time?: string
    ---
    {{!-- vsynth:demos --}}
    {{role "user"}}
    See you on Tuesday at ten.
    {{role "model"}}
    {"day": "tuesday", "time": "10:00"}
    {{role "user"}}
    Friday works for me.
    {{role "model"}}
    {"day": "friday"}
    {{!-- /vsynth:demos --}}

    """

    @Test func brokenOutputGetsAnErrorAtTheValueLive() async throws {
        let session = try TestSession(model: WordCacheModel())
        try await session.initialize()
        try session.open(uri, Self.text)
        let published = try await session.diagnostics(uri) { $0.diagnostics.contains { $0.code == "output-schema" } }
        let flagged = published.diagnostics.filter { $0.code == "output-schema" }
        #expect(flagged.count == 1)
        let diagnostic = try #require(flagged.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == #"demonstration 2: output breaks the output schema: day: expected one of "monday", "tuesday""#)
        // Line 15 is `{"day": "friday"}`: the underline starts at the value "friday".
        #expect(diagnostic.range.start == Position(line: 15, character: 8))
        #expect(diagnostic.range.end.line == 15 && diagnostic.range.end.character > 8)

        // Fixing the value removes the diagnostic in the next publication.
        try session.change(uri, version: 2, [TextDocumentContentChangeEvent(
            range: LSPRange(start: .init(line: 15, character: 9), end: .init(line: 15, character: 15)), text: "monday")])
        let fixed = try await session.diagnostics(uri) { $0.version == 2 }
        #expect(!fixed.diagnostics.contains { $0.code == "output-schema" })
        await session.close()
    }
}
