import Foundation
import JSONRPC
@testable import LanguageServer
import Testing

@Suite struct RobustnessTests {
    /// Issue 5: ≥ 100,000 random and mutated frames (seeded) keep the daemon alive, and it answers a
    /// final well-formed request.
    @Test func daemonSurvives100000FuzzedFramesAndAnswersAFinalRequest() async throws {
        try await Exclusive.run {
            let session = try TestSession()
            try await session.initialize()
            var fuzzer = LSPFuzzer(seed: 20261126)
            var batch: [UInt8] = []
            for index in 0..<100_000 {
                batch += fuzzer.nextFrame(id: Int64(1_000_000 + index))
                if batch.count > 1 << 16 {
                    session.client.send(rawBytes: batch)
                    batch = []
                }
            }
            session.client.send(rawBytes: batch)
            // A lying length may swallow the start of what follows; a blank frame resynchronises.
            session.client.send(rawBytes: Array("\r\n\r\n".utf8))
            let answer = try await session.client.send(ExecuteCommandRequest(command: "vsynth.cancel"))
            #expect(answer["cancelled"] != nil)
            #expect(session.client.serverConnection?.isClosed == false)
            #expect(session.exitCodesSeen.isEmpty)
            await session.close()
        }
    }

    /// Issue 5: 10,000 requests with resident memory flat after warm-up.
    @Test func soak10000RequestsKeepsMemoryFlat() async throws {
        try await Exclusive.run {
            let session = try TestSession()
            try await session.initialize()
            let uri = "file:///soak.prompt"
            let text = Fixture.prompt(demonstrations: 4)
            try session.open(uri, text)
            _ = try await session.scoredDiagnostics(uri, demonstrations: 4)
            var warm = 0
            for round in 0..<10_000 {
                let line = round % 30
                switch round % 4 {
                case 0: _ = try await session.client.send(HoverRequest(textDocument: .init(uri: uri), position: .init(line: line, character: 1)))
                case 1: _ = try await session.client.send(InlayHintRequest(textDocument: .init(uri: uri),
                                                                           range: .init(start: .init(line: 0, character: 0), end: .init(line: 40, character: 0))))
                case 2: _ = try await session.client.send(CodeActionRequest(textDocument: .init(uri: uri),
                                                                            range: .init(start: .init(line: line, character: 0), end: .init(line: line, character: 0))))
                default:
                    // (Edits are soaked against the daemon process in StdioTests: here their diagnostics
                    // would pile up in the test client's inbox and count as the server's memory.)
                    _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.cancel", arguments: [["uri": .string(uri)]]))
                }
                if round == 2_000 { warm = ResidentMemory.bytes() }
            }
            let end = ResidentMemory.bytes()
        print("soak in-process: resident memory \(warm >> 10) KiB after 2,000 requests, \(end >> 10) KiB after 10,000")
            #expect(warm > 0)
            // Printed, not asserted: this process also runs every other suite in parallel (models, fuzzers),
            // so its resident set says nothing about the server alone. The flat-memory assertion is made on
            // the daemon's own process in StdioTests.soak10000RequestsAgainstTheDaemonProcess.
            await session.close()
        }
    }
}

/// The process's resident set size, from /proc/self/statm (Linux); 0 elsewhere.
enum ResidentMemory {
    static func bytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
