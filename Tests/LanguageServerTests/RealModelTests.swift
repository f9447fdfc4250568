import Foundation
import Inference
import JSONRPC
import LanguageModel
@testable import LanguageServer
import PromptFile
import Support
import TestSupport
import Testing
import VSynthesis

/// The golden V-Scores of Fixture.prompt's demonstrations, from llama.cpp (scripts/lsp-golden.py).
struct GoldenScores: Decodable {
    struct Row: Decodable { var input: String; var output: String; var vscore: Double; var tokens: Int }
    var task: String
    var demonstrations: [Row]

    static func load() throws -> GoldenScores {
        let url = TestFiles.fixtures().appendingPathComponent("fixture-vscores.json")
        return try JSONDecoder().decode(GoldenScores.self, from: Data(contentsOf: url))
    }
}

@Suite(.serialized) struct RealModelTests {
    /// The numbers in the diagnostics are the V-Scores of the real model: exactly what `VScorer`
    /// computes with the same engine (so no demonstration shows another one's score), and within
    /// 1.5 nats of llama.cpp's on the same GGUF (a bound on the engine, whose own tests own its
    /// precision; it differs from llama.cpp by up to about 1 nat on these 18-22 token demonstrations).
    @Test func diagnosticsCarryTheVScoresOfTheRealModel() async throws {
        try await Exclusive.run {
            let model = try TestModel.freshModel()
            let session = try TestSession(model: model)
            try await session.initialize()
            let uri = "file:///tmp/real.prompt"
            let text = Fixture.prompt(demonstrations: 8)
            try session.open(uri, text)
            let published = try await session.diagnostics(uri, timeout: .seconds(120)) {
                $0.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }.count == 8
            }
            let scores = published.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }
                .sorted { ($0.data?["index"]?.integerValue ?? 0) < ($1.data?["index"]?.integerValue ?? 0) }
            let direct = try await VScorer(model: model).score(task: Fixture.task,
                                                               demonstrations: PromptDocument(text: text).demonstrationPairs)
            let golden = Fixture.golden
            for ((diagnostic, expected), computed) in zip(zip(scores, golden.demonstrations), direct) {
                let value = try #require(diagnostic.data?["vscore"]?.doubleValue)
                #expect(abs(value - computed.total) < 1e-9, "\(expected.input): diagnostic \(value), VScorer \(computed.total)")
                #expect(abs(value - expected.vscore) < 1.5, "\(expected.input): \(value) vs llama.cpp \(expected.vscore)")
                #expect(diagnostic.message.contains("\(expected.tokens) tokens"))
                print("V-Score \(expected.input): lsp \(value), llama.cpp \(expected.vscore)")
            }
            await session.close()
        }
    }

    @Test func synthesisWithTheRealModelInsertsDemonstrationsThatParse() async throws {
        try await Exclusive.run {
            let session = try TestSession(model: try TestModel.freshModel())
            try await session.initialize()
            let uri = "file:///tmp/real-synthesis.prompt"
            let original = Fixture.prompt(demonstrations: 2)
            let text = Locked(original), version = Locked(1)
            SynthesisCommandTests.respond(session, uri: uri, text: text, version: version)
            try session.open(uri, original)
            _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.synthesize", arguments: [["uri": .string(uri), "n": 1]]))
            let request = try await session.client.nextServerRequest(method: ApplyEditRequest.method, timeout: .seconds(300))
            // The request's own edits on the text it was made for: the responder that also applies
            // them to `text` may not have run yet when this wait returns.
            let (_, edits) = try EditApplier.edits(in: request, uri: uri)
            let after = PromptDocument(text: EditApplier.apply(edits, to: original))
            #expect(after.errors.isEmpty)
            #expect(after.demonstrations.count == 3)
            #expect(Array(after.demonstrationPairs.prefix(2)) == PromptDocument(text: original).demonstrationPairs)
            await session.close()
        }
    }

    @Test func theDaemonBinaryScoresWithTheEmbeddedModel() async throws {
        try await Exclusive.run {
            _ = try TestModel.freshModel()
            var environment = ProcessInfo.processInfo.environment
            environment["VSYNTH_MODEL"] = TestModel.candidatePath
            let client = try LocalClient(launching: try StdioTests.executable(), arguments: ["lsp", "--stdio"],
                                         environment: environment)
            _ = try await client.send(InitializeRequest(capabilities: TestSession.fullCapabilities))
            try client.send(InitializedNotification())
            let uri = "file:///tmp/real-stdio.prompt"
            try client.send(DidOpenTextDocumentNotification(textDocument: .init(uri: uri, languageId: "prompt", version: 1,
                                                                                 text: Fixture.prompt(demonstrations: 3))))
            var scored = 0
            while scored < 3 {
                let next = try await client.nextNotification(PublishDiagnosticsNotification.self, timeout: .seconds(120))
                scored = next.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }.count
            }
            _ = try await client.send(ShutdownRequest())
            try client.send(ExitNotification())
            #expect(await client.waitForExit() == 0)
            await client.close()
        }
    }

    /// Issue 5: hover and code actions for another file answered while the real engine synthesizes
    /// (the latencies are printed; the 50 ms target is a benchmark figure).
    @Test func otherFilesAreAnsweredWithin50msWhileTheEngineSynthesizes() async throws {
        try await Exclusive.run {
            let session = try TestSession(model: try TestModel.freshModel())
            try await session.initialize()
            let other = "file:///tmp/real-other.prompt"
            try session.open(other, Fixture.prompt(demonstrations: 3))
            _ = try await session.diagnostics(other, timeout: .seconds(120)) {
                $0.diagnostics.filter { $0.code?.hasSuffix("vscore") == true }.count == 3
            }
            let uri = "file:///tmp/real-busy.prompt"
            let original = Fixture.prompt(demonstrations: 2)
            SynthesisCommandTests.respond(session, uri: uri, text: Locked(original), version: Locked(1))
            try session.open(uri, original)
            _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.synthesize", arguments: [["uri": .string(uri), "n": 4]]))
            var times: [Duration] = []
            var answeredDuringSynthesis = 0
            for _ in 0..<30 {
                guard await session.server.jobs[uri] != nil else { break }
                let started = ContinuousClock.now
                _ = try await session.client.send(HoverRequest(textDocument: .init(uri: other), position: .init(line: 12, character: 2)))
                _ = try await session.client.send(CodeActionRequest(textDocument: .init(uri: other),
                                                                    range: LSPRange(start: .init(line: 0, character: 0), end: .init(line: 0, character: 0))))
                times.append(ContinuousClock.now - started)
                if await session.server.jobs[uri] != nil { answeredDuringSynthesis += 1 }
                try await Task.sleep(for: .milliseconds(30))
            }
            let sorted = times.sorted()
            // The 50 ms target is a figure to measure and print (benchmarks, not timed tests: in a
            // parallel `swift test` on 2 cores other suites share the threads); what must hold is that
            // the answers come while the engine is busy synthesizing, not after it.
            print("while synthesizing: \(times.count) hover + code action pairs, median \(sorted.isEmpty ? .zero : sorted[sorted.count / 2]), slowest \(sorted.last ?? .zero)")
            #expect(answeredDuringSynthesis >= 5, "only \(answeredDuringSynthesis) pairs were answered while the synthesis ran")
            await session.close()
        }
    }
}
