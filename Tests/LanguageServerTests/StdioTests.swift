import Foundation
import JSONRPC
@testable import LanguageServer
import Testing

/// Black-box tests of the built `vsynth lsp` binary over its standard input and output.
@Suite struct StdioTests {
    /// The `vsynth` executable next to the test bundle (`swift test` builds every product).
    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vsynth"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/vsynth"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("the vsynth binary is not built (looked at \(candidates.map(\.path))); run 'swift build' first")
            throw CancellationError()
        }
        return found
    }

    static func launch(log: NSLockedBox<[String]>) throws -> LocalClient {
        try LocalClient(launching: try executable(), arguments: ["lsp", "--stdio", "--debounce", "50"],
                        clientLog: { line in log.withLock { $0.append(line) } })
    }

    @Test func lifecycleOverStdioWithCleanExit() async throws {
        try await Exclusive.run {
            let log = NSLockedBox<[String]>([])
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
            let log = NSLockedBox<[String]>([])
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
}
