import Foundation
import Support
import Testing
@testable import JSONRPC

/// Issue 5: at least 100,000 random and mutated frames (seeded) never trap the reader, and a final
/// well-formed request after them is still read.
@Suite struct FuzzTests {
    static let finalRequest: JSONValue = ["jsonrpc": "2.0", "id": 424242, "method": "test/echo",
                                          "params": ["text": "still alive"]]

    @Test func framerSurvives100000Frames() {
        let seed: UInt64 = 1
        let limit = 4096
        var fuzzer = FrameFuzzer(seed: seed, maximumMessageSize: limit)
        var framer = MessageFramer(maximumMessageSize: limit)
        var chunkRNG = SplitMix64(seed: seed &* 7919)
        var messageCount = 0
        var problemCount = 0
        var largestBuffer = 0
        var pending: [UInt8] = []
        for _ in 0..<100_000 {
            pending += fuzzer.nextFrame()
            // Deliver in chunks of random size, as reads from a pipe would.
            while pending.count > 256 {
                let size = Int.random(in: 1...pending.count, using: &chunkRNG)
                framer.append(contentsOf: pending[..<size])
                pending.removeFirst(size)
                while let event = framer.next() {
                    if case .message = event { messageCount += 1 } else { problemCount += 1 }
                }
                largestBuffer = max(largestBuffer, framer.bufferedByteCount)
            }
        }
        framer.append(contentsOf: pending)
        framer.append(contentsOf: MessageFramer.frame(.request(RequestMessage(
            id: .number(424242), method: "test/echo", params: ["text": "still alive"]))))
        var last: MessageFramer.Event?
        while let event = framer.next() { last = event }
        #expect(last == .message(Self.finalRequest))
        #expect(messageCount > 10_000 && problemCount > 10_000, "\(messageCount) messages, \(problemCount) problems")
        #expect(largestBuffer < 64 << 10, "the framer holds at most about one frame")
    }

    @Test func connectionSurvives100000FramesAndAnswersAFinalRequest() async throws {
        let limit = 4096
        let client = try LocalClient(server: TestServer(),
                                     serverOptions: .init(name: "server", maximumMessageSize: limit, log: { _ in }))
        var fuzzer = FrameFuzzer(seed: 99, maximumMessageSize: limit)
        var batch: [UInt8] = []
        for _ in 0..<100_000 {
            batch += fuzzer.nextFrame()
            if batch.count > 1 << 16 {
                client.send(rawBytes: batch)
                batch = []
            }
        }
        client.send(rawBytes: batch)
        let answer = try await client.send(EchoRequest(text: "still alive"))
        #expect(answer.text == "still alive")
        #expect(client.serverConnection?.isClosed == false)
        await client.close()
    }
}
