import Foundation
import JSONRPC
@testable import LanguageServer
import Support
import Testing

@Suite struct LifecycleTests {
    @Test func requestBeforeInitializeIsRefusedWithServerNotInitialized() async throws {
        let session = try TestSession()
        await #expect(throws: ResponseError.serverNotInitialized) {
            _ = try await session.client.send(HoverRequest(textDocument: .init(uri: "file:///a.prompt"),
                                                           position: .init(line: 0, character: 0)))
        }
        try await session.initialize()
        await session.close()
    }

    @Test func initializeNegotiatesThePositionEncoding() async throws {
        for (offered, expected) in [(["utf-16", "utf-8"], PositionEncoding.utf8), (nil, .utf16),
                                    (["utf-16"], .utf16), (["utf-32"], .utf32), (["utf-32", "utf-16"], .utf16)] {
            let session = try TestSession()
            let result = try await session.initialize(capabilities: ClientCapabilities(general: .init(positionEncodings: offered)))
            #expect(result.capabilities.positionEncoding == expected, "offered \(offered ?? [])")
            #expect(result.capabilities.textDocumentSync.change == 2)
            #expect(result.capabilities.codeActionProvider.resolveProvider)
            #expect(result.capabilities.executeCommandProvider.commands.contains("vsynth.synthesize"))
            await session.close()
        }
    }

    @Test func secondInitializeIsAnInvalidRequest() async throws {
        let session = try TestSession()
        try await session.initialize()
        await #expect(throws: ResponseError.self) { _ = try await session.client.send(InitializeRequest()) }
        await session.close()
    }

    @Test func exitAfterShutdownIsZeroAndWithoutIsOne() async throws {
        let clean = try TestSession()
        try await clean.initialize()
        _ = try await clean.client.send(ShutdownRequest())
        let after = await #expect(throws: ResponseError.self) {
            _ = try await clean.client.send(HoverRequest(textDocument: .init(uri: "file:///a.prompt"),
                                                         position: .init(line: 0, character: 0)))
        }
        #expect(after?.code == .invalidRequest)
        try clean.client.send(ExitNotification())
        await clean.close()
        #expect(clean.exitCodesSeen == [0])

        let abrupt = try TestSession()
        try await abrupt.initialize()
        try abrupt.client.send(ExitNotification())
        await abrupt.close()
        #expect(abrupt.exitCodesSeen == [1])
    }

    @Test func unknownMethodsAndBadParamsGetTheirErrors() async throws {
        let session = try TestSession()
        try await session.initialize()
        let unknown = await #expect(throws: ResponseError.self) {
            _ = try await session.client.connection.sendRequest(method: "textDocument/definition", params: [:])
        }
        #expect(unknown?.code == .methodNotFound)
        let bad = await #expect(throws: ResponseError.self) {
            _ = try await session.client.connection.sendRequest(method: "textDocument/hover", params: ["position": "x"])
        }
        #expect(bad?.code == .invalidParams)
        let command = await #expect(throws: ResponseError.self) {
            _ = try await session.client.send(ExecuteCommandRequest(command: "vsynth.nope"))
        }
        #expect(command?.code == .invalidParams)
        await session.close()
    }

    @Test func initializationOptionsAreReadAndBadOnesRefused() async throws {
        let session = try TestSession()
        try await session.initialize(options: ["vsynth": ["threshold": 1.5, "count": 6, "refresh": "on-save",
                                                          "statusNotifications": true]])
        let configuration = await session.server.configuration
        #expect(configuration.threshold == 1.5)
        #expect(configuration.count == 6)
        #expect(configuration.refresh == .onSave)
        try session.client.send(DidChangeConfigurationNotification(settings: ["vsynth": ["threshold": -2]]))
        try await session.barrier()
        #expect(await session.server.configuration.threshold == -2)
        await session.close()

        let refused = try TestSession()
        await #expect(throws: ResponseError.self) { try await refused.initialize(options: ["count": "many"]) }
        await refused.close()
    }

    @Test func notificationsBeforeInitializeAreDropped() async throws {
        let session = try TestSession()
        try session.open("file:///early.prompt", Fixture.prompt())
        try await session.initialize()
        try await session.barrier()
        #expect(await session.server.documents["file:///early.prompt"] == nil)
        await session.close()
    }

    @Test func statusNotificationsFollowTheModelAndTheWorkWhenAskedFor() async throws {
        let session = try TestSession()
        try await session.initialize(options: ["statusNotifications": true])
        var states: [String] = []
        while !states.contains("ready") {
            states.append(try await session.client.nextNotification(StatusNotification.self).state)
        }
        #expect(states.first == "loading")
        try session.open("file:///status.prompt", Fixture.prompt(demonstrations: 2))
        while states.last != "idle" {
            states.append(try await session.client.nextNotification(StatusNotification.self).state)
        }
        #expect(states.contains("scoring"))
        await session.close()

        let quiet = try TestSession()
        try await quiet.initialize()
        try quiet.open("file:///status.prompt", Fixture.prompt(demonstrations: 2))
        _ = try await quiet.scoredDiagnostics("file:///status.prompt", demonstrations: 2)
        await #expect(throws: JSONRPCError.self) {
            _ = try await quiet.client.nextNotification(StatusNotification.self, timeout: .milliseconds(200))
        }
        await quiet.close()
    }

    @Test func aModelThatFailsToLoadIsReportedAndParsingStillWorks() async throws {
        struct Missing: Error, CustomStringConvertible { var description = "model file not found at /nowhere.gguf" }
        let server = LanguageServer(options: .init(configuration: TestSession.fastConfiguration, loadModel: { _ in throw Missing() }))
        let client = try LocalClient(server: server)
        _ = try await client.send(InitializeRequest())
        try client.send(InitializedNotification())
        let message = try await client.nextNotification(ShowMessageNotification.self)
        #expect(message.type == 1)
        #expect(message.message.contains("/nowhere.gguf"))
        try client.send(DidOpenTextDocumentNotification(textDocument: .init(uri: "file:///x.prompt", languageId: "prompt", version: 1,
                                                                             text: "---\ndescription: x\n---\n{{!-- /vsynth:demos --}}\n")))
        let diagnostics = try await client.nextNotification(PublishDiagnosticsNotification.self)
        #expect(diagnostics.diagnostics.contains { $0.severity == .error })
        await client.close()
    }

    @Test func aChangedModelSettingReloadsTheModel() async throws {
        let loads = Locked<[String?]>([])
        let server = LanguageServer(options: .init(configuration: TestSession.fastConfiguration, loadModel: { configuration in
            loads.withLock { $0.append(configuration.modelPath) }
            return WordCacheModel()
        }))
        let client = try LocalClient(server: server)
        _ = try await client.send(InitializeRequest(initializationOptions: ["model": "/a.gguf"]))
        try client.send(InitializedNotification())
        try client.send(DidChangeConfigurationNotification(settings: ["vsynth": ["threshold": 1]]))
        try client.send(DidChangeConfigurationNotification(settings: ["vsynth": ["model": "/b.gguf"]]))
        _ = try await client.send(ExecuteCommandRequest(command: "vsynth.cancel"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(loads.withLock { $0 } == ["/a.gguf", "/b.gguf"])
        await client.close()
    }
}
