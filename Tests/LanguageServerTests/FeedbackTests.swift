import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Support
import Testing

/// What the editor shows in every state of a file: empty, broken in one place, commented, with
/// template expressions; what `vsynth/status` counts; what progress says.
@Suite struct FeedbackTests {
    let uri = "file:///tmp/feedback.prompt"

    static let emptyRegion = """
    ---
    description: \(Fixture.task)
    vsynth.count: 3
    ---
    {{role "system"}}
    You label product reviews.

    {{!-- vsynth:demos --}}
    {{!-- /vsynth:demos --}}
    {{role "user"}}
    {{review}}

    """

    /// `Fixture.prompt(demonstrations: 3)` with the middle demonstration's user tag misspelt.
    static var oneBrokenDemonstration: String {
        let text = Fixture.prompt(demonstrations: 3)
        let second = text.range(of: "{{role \"user\"}}\nBroke after")!
        return text.replacingCharacters(in: second, with: "{{role \"usr\"}}\nBroke after")
    }

    @Test func anEmptyRegionSaysHowToFillIt() async throws {
        let session = try TestSession()
        try await session.initialize()
        try session.open(uri, Self.emptyRegion)
        let published = try await session.diagnostics(uri)
        let hint = try #require(published.diagnostics.first { $0.code == "empty-region" })
        #expect(hint.severity == .information)
        #expect(hint.range.start.line == 7, "on the opening marker")
        #expect(hint.message.contains("no demonstrations yet"))
        #expect(hint.message.contains("VSynth: top up to 3 demonstrations (3 more)"))
        #expect(hint.message.contains("vsynth.topUp"))
        #expect(!published.diagnostics.contains { $0.severity == .error || $0.severity == .warning })

        // No region at all: the hint sits at the start of the body and says where the region goes.
        let noRegion = "file:///tmp/no-region.prompt"
        try session.open(noRegion, "---\ndescription: \(Fixture.task)\n---\n{{role \"user\"}}\n{{review}}\n")
        let bare = try await session.diagnostics(noRegion)
        let missing = try #require(bare.diagnostics.first { $0.code == "no-region" })
        #expect(missing.severity == .information)
        #expect(missing.range.start.line == 3)
        #expect(missing.message.contains("before the prompt's last user turn"))

        // Once it holds demonstrations, the hint goes.
        try session.open("file:///tmp/full.prompt", Fixture.prompt(demonstrations: 1))
        let full = try await session.scoredDiagnostics("file:///tmp/full.prompt", demonstrations: 1)
        #expect(!full.diagnostics.contains { $0.code == "empty-region" || $0.code == "no-region" })
        await session.close()
    }

    @Test func aBrokenDemonstrationGetsItsErrorAndTheOthersKeepTheirScores() async throws {
        let session = try TestSession()
        try await session.initialize(options: ["statusNotifications": true])
        let text = Self.oneBrokenDemonstration
        try session.open(uri, text)
        let published = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let lines = text.components(separatedBy: "\n")
        let errors = published.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(lines[error.range.start.line] == "{{role \"usr\"}}")
        #expect(error.code == "unexpected-role")
        let scored = published.diagnostics.filter { $0.code == "vscore" || $0.code == "low-vscore" }
        #expect(scored.map { lines[$0.range.start.line + 1] } == ["The kettle boils in a minute, love it.", "The review of the product is neutral."])

        // The status counts the scores, not the diagnostics: 2 of 2 scored and 1 error.
        var status = try await session.client.nextNotification(StatusNotification.self)
        while status.uri != uri || status.state != "idle" || status.counts?.scored != 2 {
            status = try await session.client.nextNotification(StatusNotification.self)
        }
        let counts = try #require(status.counts)
        let low = scored.filter { $0.code == "low-vscore" }.count
        #expect(low == 1, "the neutral review scores under 0 with this model")
        #expect(counts == DocumentCounts(demonstrations: 2, scored: 2, low: low, errors: 1, warnings: 0))
        #expect(status.message == "2 of 2 demonstrations scored, 1 below the threshold, 1 error")

        // Fixing the typo brings the third score back.
        try session.open(uri, Fixture.prompt(demonstrations: 3), version: 2)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 3)
        await session.close()
    }

    @Test func aFileWithNothingToScoreStillReportsItsCounts() async throws {
        let session = try TestSession()
        try await session.initialize(options: ["statusNotifications": true])
        try session.open(uri, Self.emptyRegion)
        var status = try await session.client.nextNotification(StatusNotification.self)
        while status.uri != uri { status = try await session.client.nextNotification(StatusNotification.self) }
        #expect(status.state == "idle")
        #expect(status.counts == DocumentCounts(demonstrations: 0, scored: 0, low: 0, errors: 0, warnings: 0))
        await session.close()
    }

    @Test func progressDoesNotSayLoadingOnceTheModelIsLoaded() async throws {
        let session = try TestSession()
        try await session.initialize()
        let text = Locked(Fixture.prompt(demonstrations: 2)), version = Locked(1)
        SynthesisCommandTests.respond(session, uri: uri, text: text, version: version)
        try session.open(uri, text.withLock { $0 })
        _ = try await session.scoredDiagnostics(uri, demonstrations: 2)  // the model is loaded now
        _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.synthesize", arguments: [["uri": .string(uri)]]))
        var messages: [String] = []
        // Generous waits: an answer is what is tested, and parallel suites can hold the pool long.
        var progress = try await session.client.nextNotification(ProgressNotification.self, timeout: .seconds(300))
        while progress.value.kind != "end" {
            messages.append(progress.value.message ?? "")
            progress = try await session.client.nextNotification(ProgressNotification.self, timeout: .seconds(300))
        }
        #expect(!messages.isEmpty)
        #expect(!messages.contains { $0.contains("loading") }, "\(messages)")
        await session.close()
    }

    @Test func commentsAreStrippedBeforeScoring() async throws {
        let model = WordCacheModel()
        let session = try TestSession(model: model)
        try await session.initialize()
        let plain = Fixture.prompt(demonstrations: 2)
        try session.open(uri, plain)
        let before = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let cached = await session.server.cache.count
        let calls = model.callCount

        // The same demonstrations with comments the runtime does not send: the same scores, all
        // from the cache (nothing scored again).
        let commented = plain
            .replacingOccurrences(of: "Broke after two days.", with: "Broke after {{! why? }}two days.\n{{!-- reviewer: check --}}")
            .replacingOccurrences(of: "\npositive\n", with: "\n{{! label }}\npositive\n")
        let other = "file:///tmp/commented.prompt"
        try session.open(other, commented)
        let after = try await session.scoredDiagnostics(other, demonstrations: 2)
        func scores(_ notification: PublishDiagnosticsNotification) -> [Double] {
            notification.diagnostics.compactMap { $0.data?["vscore"]?.doubleValue }
        }
        #expect(scores(after) == scores(before))
        #expect(scores(after).count == 2)
        #expect(await session.server.cache.count == cached)
        #expect(model.callCount == calls)
        await session.close()
    }

    @Test func aTemplateExpressionInADemonstrationIsWarnedAtItsPosition() async throws {
        let session = try TestSession()
        try await session.initialize()
        let text = Fixture.prompt(demonstrations: 2).replacingOccurrences(of: "Broke after two days.", with: "Broke after {{days}} days.")
        try session.open(uri, text)
        let published = try await session.scoredDiagnostics(uri, demonstrations: 2)
        let warning = try #require(published.diagnostics.first { $0.code == "template-expression" })
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex(of: "Broke after {{days}} days."))
        #expect(warning.severity == .warning)
        #expect(warning.range.start == Position(line: line, character: 12))
        #expect(warning.range.end == Position(line: line, character: 20))
        #expect(warning.message.contains("the Dotprompt runtime substitutes it"))
        await session.close()
    }
}
