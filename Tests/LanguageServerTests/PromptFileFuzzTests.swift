import Foundation
import JSONRPC
@testable import LanguageServer
import Testing

/// Issue 11, finding 1: seeded prompt-file content (settings of every type and size, mangled
/// markers, turns, BOMs, invalid UTF-8, huge lines) sent to the daemon as open buffers, edits and
/// files changed on disk in a watched folder, each followed by requests on it. The daemon stays up
/// and answers every request, with a result or an error.
@Suite struct PromptFileFuzzTests {
    static let iterations = 250

    @Test func daemonSurvivesFuzzedPromptFilesAndAnswersEveryRequest() async throws {
        try await Exclusive.run {
            let folder = try WatchingTests.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let session = try TestSession()
            try await session.initialize(folders: [folder.path])
            try await session.barrier()
            var fuzzer = PromptFileFuzzer(seed: 20261211)
            let uris = ["file:///fuzz/a.prompt", "file:///fuzz/b.prompt.md"]
            var versions: [String: Int] = [:]
            var answered = 0
            for iteration in 0..<Self.iterations {
                let bytes = fuzzer.file()
                let uri: String
                let kind = fuzzer.int(0...3)
                if kind == 0 {
                    // On disk, raw bytes: the watcher reads what no JSON string can carry.
                    let file = folder.appendingPathComponent(fuzzer.pick(["w.prompt", "x.prompt.md"]))
                    try Data(bytes).write(to: file)
                    uri = FileURI.uri(of: file.path)
                } else {
                    // An open buffer: opened the first time, then replaced whole (kind 1) or edited in a range.
                    uri = fuzzer.pick(uris)
                    let version = (versions[uri] ?? 0) + 1
                    versions[uri] = version
                    if version == 1 {
                        try session.open(uri, String(decoding: bytes, as: UTF8.self), version: version)
                    } else if kind == 1 {
                        try session.change(uri, version: version, [TextDocumentContentChangeEvent(text: String(decoding: bytes, as: UTF8.self))])
                    } else {
                        let line = fuzzer.pick([0, 1, 3, 10, 1_000_000]), character = fuzzer.pick([0, 2, 40, 1_000_000])
                        let range = LSPRange(start: Position(line: line, character: character),
                                             end: Position(line: line + fuzzer.int(0...2), character: character))
                        try session.change(uri, version: version, [TextDocumentContentChangeEvent(
                            range: range, text: String(decoding: bytes.prefix(fuzzer.int(0...400)), as: UTF8.self))])
                    }
                }
                for _ in 0..<fuzzer.int(1...4) {
                    try await Self.request(&fuzzer, uri: uri, session: session, iteration: iteration)
                    answered += 1
                }
            }
            _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.cancel"))
            try await session.barrier()
            #expect(answered >= Self.iterations)
            #expect(session.client.serverConnection?.isClosed == false)
            #expect(session.exitCodesSeen.isEmpty)
            await session.close()
        }
    }

    /// One request on `uri`; an error response is an answer, silence (a timeout) is a failure.
    static func request(_ fuzzer: inout PromptFileFuzzer, uri: String, session: TestSession, iteration: Int) async throws {
        let document = TextDocumentIdentifier(uri: uri)
        let position = Position(line: fuzzer.pick([0, 1, 3, 8, 1_000_000, Int(Int32.max)]),
                                character: fuzzer.pick([0, 3, 12, 1_000_000, Int(Int32.max)]))
        let connection = session.client.connection
        // Generous: an answer is what is tested (the suite runs in parallel on few cores, and
        // latency has its own benchmark, `vsynth bench lsp`).
        let timeout = Duration.seconds(120)
        do {
            switch fuzzer.int(0...4) {
            case 0:
                _ = try await connection.send(HoverRequest(textDocument: document, position: position), timeout: timeout)
            case 1:
                _ = try await connection.send(CodeActionRequest(textDocument: document, range: LSPRange(start: Position(line: 0, character: 0), end: position)),
                                              timeout: timeout)
            case 2:
                _ = try await connection.send(InlayHintRequest(textDocument: document, range: LSPRange(start: Position(line: 0, character: 0), end: position)),
                                              timeout: timeout)
            default:
                let command = fuzzer.pick(["vsynth.synthesize", "vsynth.topUp", "vsynth.replaceWeakest", "vsynth.rescore", "vsynth.cancel"])
                let n: JSONValue = fuzzer.pick([.integer(1), .integer(0), .integer(-1), .integer(.max), .integer(.min), .double(1e308),
                                                .string("3"), .null, .integer(1000), .integer(1001)])
                var argument: [String: JSONValue] = ["uri": .string(uri), "n": n]
                // Waiting is asked only where the answer is quick: a valid n of 1000 is a long
                // synthesis (answered at once without `wait`, which is what the other draws test).
                if fuzzer.int(0...1) == 0, n != .integer(1000) { argument["wait"] = .bool(true) }
                _ = try await connection.send(ExecuteCommandRequest(command: command, arguments: [.object(argument)]), timeout: timeout)
                // A started synthesis must not pile up: stop it (the edit it would make is not what is tested).
                _ = try await connection.send(ExecuteCommandRequest(command: "vsynth.cancel", arguments: [["uri": .string(uri)]]), timeout: timeout)
            }
        } catch is ResponseError {
            // An error answer is an answer.
        } catch {
            Issue.record("iteration \(iteration): no answer on \(uri): \(error)")
            throw error
        }
    }
}
