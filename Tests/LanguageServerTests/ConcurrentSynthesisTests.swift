import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Support
import TestSupport
import Testing
import VSynthesis

/// Two files synthesized at once through the daemon on the real model: both generate at the same
/// time (the daemon's model bound, `BoundedModel`, lets them through together), and cancelling one
/// leaves the other to finish and insert its demonstrations.
@Suite(.serialized) struct ConcurrentSynthesisTests {
    @Test func twoFilesGenerateTogetherAndCancellingOneLeavesTheOther() async throws {
        try await Exclusive.run {
            // One candidate in flight per file: any overlap at the model is the two files'.
            var configuration = TestSession.fastConfiguration
            configuration.parallel = 1
            let counting = CountingModel(try TestModel.freshModel())
            let session = try TestSession(model: counting, configuration: configuration)
            try await session.initialize()
            let (kept, cancelled) = ("file:///tmp/kept.prompt", "file:///tmp/cancelled.prompt")
            let original = Fixture.prompt(demonstrations: 2)
            let texts = Locked([kept: original, cancelled: original])
            let edited = Locked<[String]>([])
            session.client.respondToServerRequests { request in
                guard request.method == ApplyEditRequest.method else { return .null }
                for uri in [kept, cancelled] {
                    let (_, edits) = try EditApplier.edits(in: request, uri: uri)
                    guard !edits.isEmpty else { continue }
                    edited.withLock { $0.append(uri) }
                    let text = texts.withLock { $0[uri] = EditApplier.apply(edits, to: $0[uri]!); return $0[uri]! }
                    try session.change(uri, version: 2, [TextDocumentContentChangeEvent(text: text)])
                }
                return ["applied": true]
            }
            for uri in [kept, cancelled] {
                try session.open(uri, original)
                _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.synthesize",
                                                                        arguments: [["uri": .string(uri), "n": 2]]))
            }
            let together = await counting.wait { $0.mostInFlight >= 2 }
            #expect(together, "the two files' generations never overlapped: \(counting.counts)")
            #expect(await session.server.isSynthesizing(kept))
            #expect(await session.server.isSynthesizing(cancelled))

            let answer = try await session.client.send(ExecuteCommandRequest(command: "vsynth.cancel",
                                                                             arguments: [["uri": .string(cancelled)]]))
            #expect(answer["cancelled"] == 1)
            let request = try await session.client.nextServerRequest(method: ApplyEditRequest.method, timeout: .seconds(300))
            // The request's own edits on the text it was made for (the responder's copy may lag).
            let edits = try EditApplier.edits(in: request, uri: kept).edits
            #expect(!edits.isEmpty)
            let after = PromptDocument(text: EditApplier.apply(edits, to: original))
            #expect(after.errors.isEmpty)
            #expect(after.demonstrations.count == 4)
            #expect(await !session.server.isSynthesizing(cancelled))
            #expect(!edited.withLock { $0 }.contains(cancelled), "the cancelled file got an edit")
            #expect(texts.withLock { $0[cancelled] } == original)
            await session.close()
        }
    }
}
