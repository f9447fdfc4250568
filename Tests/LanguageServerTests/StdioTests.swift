import Foundation
import JSONRPC
@testable import LanguageServer
import Support
import TestSupport
import Testing

/// Black-box tests of the built `vsynth lsp` binary over its standard input and output.
@Suite struct StdioTests {
    /// The `vsynth` executable next to the test bundle (`swift test` builds every product).
    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vsynth"),
            TestFiles.repositoryRoot.appendingPathComponent(".build/debug/vsynth"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("the vsynth binary is not built (looked at \(candidates.map(\.path))); run 'swift build' first")
            throw CancellationError()
        }
        return found
    }

    static func launch(log: Locked<[String]>) throws -> LocalClient {
        try LocalClient(launching: try executable(), arguments: ["lsp", "--stdio", "--debounce", "50"],
                        clientLog: { line in log.withLock { $0.append(line) } })
    }

    @Test func lifecycleOverStdioWithCleanExit() async throws {
        try await Exclusive.run {
            let log = Locked<[String]>([])
            let client = try Self.launch(log: log)
            await #expect(throws: ResponseError.serverNotInitialized) {
                _ = try await client.send(HoverRequest(textDocument: .init(uri: "file:///x.prompt"), position: .init(line: 0, character: 0)))
            }
            let result = try await client.send(InitializeRequest(capabilities: TestSession.fullCapabilities))
            #expect(result.capabilities.positionEncoding == .utf8)
            #expect(result.serverInfo?.name == "vsynth")
            try client.send(InitializedNotification())
            let uri = "file:///tmp/stdio.prompt"
            try client.send(DidOpenTextDocumentNotification(textDocument: .init(
                uri: uri, languageId: "prompt", version: 1, text: "---\ndescription: x\n---\n{{!-- vsynth:demos --}}\n")))
            let diagnostics = try await client.nextNotification(PublishDiagnosticsNotification.self)
            #expect(diagnostics.uri == uri)
            #expect(diagnostics.diagnostics.contains { $0.severity == .error && $0.range.start.line == 3 })
            // Garbage in between: answered or logged by the server, never the end of it.
            client.send(rawBytes: Array("Content-Length: 5\r\n\r\n{bad}Content-Length: x\r\n\r\n".utf8))
            _ = try await client.send(ShutdownRequest())
            try client.send(ExitNotification())
            #expect(await client.waitForExit() == 0)
            await client.close()
            // Standard output carried only frames the client could read.
            #expect(log.withLock { $0 }.filter { !$0.contains("id\": null") && $0.contains("jsonrpc:") }.isEmpty,
                    "client log: \(log.withLock { $0 })")
        }
    }

    @Test func exitWithoutShutdownIsOneAndAClosedInputEndsTheDaemon() async throws {
        try await Exclusive.run {
            let log = Locked<[String]>([])
            let abrupt = try Self.launch(log: log)
            _ = try await abrupt.send(InitializeRequest())
            try abrupt.send(ExitNotification())
            #expect(await abrupt.waitForExit() == 1)
            await abrupt.close()

            let orphan = try Self.launch(log: log)
            _ = try await orphan.send(InitializeRequest())
            orphan.connection.close()
            #expect(await orphan.waitForExit() == 1)
            await orphan.close()
        }
    }

    @Test func logLinesGoToTheLogFile() async throws {
        try await Exclusive.run {
            let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("vsynth-lsp-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: logFile) }
            let client = try LocalClient(launching: try Self.executable(), arguments: ["lsp", "--log", logFile.path])
            _ = try await client.send(InitializeRequest())
            try client.send(ExitNotification())
            #expect(await client.waitForExit() == 1)
            await client.close()
            let log = try String(contentsOf: logFile, encoding: .utf8)
            #expect(log.contains("vsynth lsp \(LanguageServer.version) started"))
        }
    }

    /// Issue 5's soak over stdio: 10,000 requests to the daemon process, its resident memory flat
    /// after warm-up (read from /proc for the child process).
    @Test func soak10000RequestsAgainstTheDaemonProcess() async throws {
        try await Exclusive.run {
            let log = Locked<[String]>([])
            let client = try Self.launch(log: log)
            _ = try await client.send(InitializeRequest(capabilities: TestSession.fullCapabilities))
            try client.send(InitializedNotification())
            let pid = try #require(client.processIdentifier)
            let uri = "file:///tmp/soak.prompt"
            try client.send(DidOpenTextDocumentNotification(textDocument: .init(uri: uri, languageId: "prompt", version: 1,
                                                                                 text: Fixture.prompt(demonstrations: 8))))
            // Warm-up ends once the file is scored (the engine loaded, its caches touched): on a busy
            // machine that can take longer than the first 2,000 requests, and the growth measured
            // from there was the daemon still warming up.
            var scored = 0
            while scored < 8 {
                let next = try await client.nextNotification(PublishDiagnosticsNotification.self, timeout: .seconds(300))
                scored = next.diagnostics.filter { $0.serverCode?.carriesScore == true }.count
            }
            var warm = 0, firstBurst = 0
            for round in 0..<10_000 {
                switch round % 3 {
                case 0: _ = try await client.send(HoverRequest(textDocument: .init(uri: uri), position: .init(line: round % 40, character: 1)))
                case 1: _ = try await client.send(CodeActionRequest(textDocument: .init(uri: uri),
                                                                    range: .init(start: .init(line: 0, character: 0), end: .init(line: 0, character: 0))))
                default:
                    try client.send(DidChangeTextDocumentNotification(textDocument: .init(uri: uri, version: round + 2), contentChanges: [
                        TextDocumentContentChangeEvent(range: .init(start: .init(line: 20, character: 0), end: .init(line: 20, character: 0)), text: "")]))
                    _ = try await client.send(InlayHintRequest(textDocument: .init(uri: uri),
                                                               range: .init(start: .init(line: 0, character: 0), end: .init(line: 60, character: 0))))
                }
                if round == 2_000 { warm = Self.residentBytes(pid) }
                if round == 6_000 { firstBurst = Self.residentBytes(pid) }
            }
            let end = Self.residentBytes(pid)
            print("soak over stdio: daemon resident memory \(warm >> 10) KiB after 2,000 requests, \(end >> 10) KiB after 10,000")
            #expect(warm > 0)
            #expect(end - warm < 8 << 20, "daemon resident memory grew from \(warm >> 20) MiB to \(end >> 20) MiB")
            // Issue 11: after warm-up, a second burst costs nothing more than the first left behind.
            #expect(end <= firstBurst + (2 << 20), "daemon resident memory grew from \(firstBurst >> 20) MiB after the first burst to \(end >> 20) MiB after the second")
            _ = try await client.send(ShutdownRequest())
            try client.send(ExitNotification())
            #expect(await client.waitForExit() == 0)
            await client.close()
        }
    }

    /// The pid of a child of this process running `name` (Linux /proc).
    static func residentBytes(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
