import Foundation
import JSONRPC
@testable import LanguageServer
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
}
