import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Support
import Testing

/// What clients that render no Markdown and take no `$/progress` (Vim's popup and echo area, Emacs
/// with Eglot 1.9) get: plain-text hovers when they ask for them, the synthesis percentage in
/// `vsynth/status`, and one `vsynth.refresh` command doing what saving does.
@Suite struct ThinClientTests {
    let uri = "file:///tmp/thin-client.prompt"

    /// Eglot 1.9 as VSynth's Emacs client sets it up: no progress, plain-text hovers.
    static let plainCapabilities = ClientCapabilities(
        general: .init(positionEncodings: ["utf-16"]),
        workspace: .init(applyEdit: true, workspaceEdit: .init(documentChanges: true)),
        textDocument: .init(hover: .init(contentFormat: ["plaintext"])))

    @Test func hoverIsPlainTextWhenTheClientPrefersIt() async throws {
        let text = Fixture.prompt(demonstrations: 2)
        let userLine = try #require(text.components(separatedBy: "\n").firstIndex(of: "Broke after two days."))
        for (formats, kind) in [(["plaintext"], "plaintext"), (["plaintext", "markdown"], "plaintext"),
                                (["markdown", "plaintext"], "markdown"), ([], "markdown")] {
            var capabilities = TestSession.fullCapabilities
            capabilities.textDocument = .init(hover: .init(contentFormat: formats))
            let session = try TestSession()
            try await session.initialize(capabilities: capabilities)
            try session.open(uri, text)
            let position = Position(line: userLine, character: 3)
            let unscored = try #require(try await session.client.send(HoverRequest(textDocument: .init(uri: uri), position: position)))
            _ = try await session.scoredDiagnostics(uri, demonstrations: 2)
            let hover = try #require(try await session.client.send(HoverRequest(textDocument: .init(uri: uri), position: position)))
            #expect(hover.contents.kind == kind, "\(formats)")
            #expect(hover.contents.value.contains("Demonstration 2: V-Score"))
            #expect(hover.contents.value.contains("Least consistent tokens"))
            if kind == "plaintext" {
                for shown in [hover.contents.value, unscored.contents.value] {
                    #expect(!shown.contains("**") && !shown.contains("`"), "\(formats): \(shown)")
                }
                #expect(hover.contents.value.hasPrefix("Demonstration 2: V-Score"))
                // The weakest tokens are quoted instead of code-marked.
                #expect(hover.contents.value.components(separatedBy: "\n").contains { $0.hasPrefix("- '") })
            } else {
                #expect(hover.contents.value.hasPrefix("**Demonstration 2: V-Score"))
            }
            await session.close()
        }
    }

    @Test func statusCarriesTheSynthesisPercentageWithoutProgress() async throws {
        let session = try TestSession()
        try await session.initialize(capabilities: Self.plainCapabilities, options: ["statusNotifications": true])
        let text = Locked(Fixture.prompt(demonstrations: 2)), version = Locked(1)
        SynthesisCommandTests.respond(session, uri: uri, text: text, version: version)
        try session.open(uri, text.withLock { $0 })
        _ = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let answer = try await session.client.send(ExecuteCommandRequest(command: "vsynth.synthesize", arguments: [["uri": .string(uri)]]))
        #expect(answer["started"]?.boolValue == true)
        #expect(answer["token"] == nil, "no progress token for a client without workDoneProgress")
        var synthesizing: [StatusNotification] = []
        var status = try await session.client.nextNotification(StatusNotification.self)
        while !(status.uri == uri && status.state == "idle" && status.message?.hasPrefix("inserted") == true) {
            if status.uri == uri, status.state == "synthesizing" { synthesizing.append(status) }
            status = try await session.client.nextNotification(StatusNotification.self)
        }
        let percentages = synthesizing.compactMap(\.percentage)
        #expect(percentages.count == synthesizing.count, "every synthesizing status carries a percentage")
        #expect(percentages.first == 0)
        #expect(percentages.contains { $0 > 0 }, "\(percentages)")
        #expect(percentages == percentages.sorted(), "never goes back: \(percentages)")
        #expect(synthesizing.first?.message == "generating candidates", "the model is loaded: no 'loading' step")
        #expect(synthesizing.contains { $0.message?.contains("candidates, round") == true })
        #expect(status.percentage == nil, "an idle status has no percentage")
        await session.close()
    }

    @Test func refreshTopsUpToCountElseRescores() async throws {
        let session = try TestSession()
        try await session.initialize(capabilities: Self.plainCapabilities, options: ["statusNotifications": true])
        let original = Fixture.prompt(demonstrations: 1, count: 2)
        let text = Locked(original), version = Locked(1)
        SynthesisCommandTests.respond(session, uri: uri, text: text, version: version)
        try session.open(uri, original)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 1)
        let refresh = ExecuteCommandRequest(command: "vsynth.refresh", arguments: [["uri": .string(uri)]])
        let topUp = try await session.client.send(refresh)
        #expect(topUp["started"]?.boolValue == true)
        #expect(topUp["count"]?.integerValue == 1)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 2)
        #expect(PromptDocument(text: text.withLock { $0 }).demonstrations.count == 2)
        var status = try await session.client.nextNotification(StatusNotification.self)
        while !(status.uri == uri && status.state == "idle" && status.message?.hasPrefix("inserted") == true) {
            status = try await session.client.nextNotification(StatusNotification.self)
        }

        // At its count, the same command rescores, and says why there was no top-up.
        let rescore = try await session.client.send(refresh)
        #expect(rescore["started"]?.boolValue == false)
        #expect(rescore["rescoring"]?.boolValue == true)
        #expect(rescore["message"]?.stringValue == "the file already holds 2 of 2 demonstrations; rescoring")
        status = try await session.client.nextNotification(StatusNotification.self)
        while !(status.uri == uri && status.state == "scoring") {
            status = try await session.client.nextNotification(StatusNotification.self)
        }
        #expect(await !session.server.isSynthesizing(uri))
        await session.close()
    }
}
