import Foundation
import JSONRPC
import LanguageModel
@testable import LanguageServer
import Support
import Testing

/// A server in this process and the test client talking to it over real pipes (sourcekit-lsp's
/// `TestSourceKitLSPClient`): typed requests and notifications, and waits for what the server sends.
final class TestSession: Sendable {
    let client: LocalClient
    let server: LanguageServer
    private let exitCodes = Locked<[Int32]>([])

    /// Client capabilities of a full-featured client (VS Code-like): UTF-8 offered, progress,
    /// versioned document changes.
    static let fullCapabilities = ClientCapabilities(
        general: .init(positionEncodings: ["utf-8", "utf-16"]),
        window: .init(workDoneProgress: true),
        workspace: .init(applyEdit: true, workspaceEdit: .init(documentChanges: true)))

    init(model: any LanguageModel = WordCacheModel(),
         configuration: ServerConfiguration = TestSession.fastConfiguration,
         confirmationTimeout: Duration = .seconds(2), forcePolling: Bool = false,
         onLoad: @escaping @Sendable (ServerConfiguration) -> Void = { _ in }) throws {
        let exitCodes = self.exitCodes
        var options = LanguageServer.Options(configuration: configuration, confirmationTimeout: confirmationTimeout,
                                             pollInterval: .milliseconds(100),
                                             exit: { code in exitCodes.withLock { $0.append(code) } },
                                             loadModel: { configuration in onLoad(configuration); return model })
        options.forcePolling = forcePolling
        server = LanguageServer(options: options)
        client = try LocalClient(server: server)
    }

    /// Settings that keep the tests quick: a short debounce, a small synthesis scale.
    static var fastConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.debounceMilliseconds = 50
        configuration.scale = 2
        return configuration
    }

    /// `initialize` + `initialized`.
    @discardableResult
    func initialize(capabilities: ClientCapabilities = TestSession.fullCapabilities,
                    options: JSONValue? = nil, folders: [String] = []) async throws -> InitializeResult {
        let result = try await client.send(InitializeRequest(
            processId: nil, capabilities: capabilities, initializationOptions: options,
            workspaceFolders: folders.map { WorkspaceFolder(uri: FileURI.uri(of: $0), name: "ws") }))
        try client.send(InitializedNotification())
        return result
    }

    func open(_ uri: String, _ text: String, version: Int = 1) throws {
        try client.send(DidOpenTextDocumentNotification(textDocument: TextDocumentItem(
            uri: uri, languageId: "prompt", version: version, text: text)))
    }

    func change(_ uri: String, version: Int, _ changes: [TextDocumentContentChangeEvent]) throws {
        try client.send(DidChangeTextDocumentNotification(
            textDocument: VersionedTextDocumentIdentifier(uri: uri, version: version), contentChanges: changes))
    }

    /// The first diagnostics for `uri` that satisfy `condition` (earlier ones are skipped).
    func diagnostics(_ uri: String, timeout: Duration = LocalClient.defaultTimeout,
                     where condition: (PublishDiagnosticsNotification) -> Bool = { _ in true })
        async throws -> PublishDiagnosticsNotification
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            let next = try await client.nextNotification(PublishDiagnosticsNotification.self,
                                                         timeout: max(left, .milliseconds(1)))
            if next.uri == uri, condition(next) { return next }
        }
    }

    /// Diagnostics for `uri` once every demonstration has a score.
    func scoredDiagnostics(_ uri: String, demonstrations: Int) async throws -> PublishDiagnosticsNotification {
        try await diagnostics(uri) { $0.diagnostics.filter { $0.code == "vscore" || $0.code == "low-vscore" }.count == demonstrations }
    }

    /// The next `window/showMessage`.
    func message(timeout: Duration = LocalClient.defaultTimeout) async throws -> ShowMessageNotification {
        try await client.nextNotification(ShowMessageNotification.self, timeout: timeout)
    }

    /// A request answered in order: when it returns, every message sent before it was handled.
    func barrier() async throws {
        _ = try await client.send(ExecuteCommandRequest(command: "vsynth.cancel", arguments: [["uri": "file:///barrier"]]))
    }

    var exitCodesSeen: [Int32] { exitCodes.withLock { $0 } }

    func close() async { await client.close() }
}

/// Prompt files for the tests.
enum Fixture {
    /// The task and the eight demonstrations with their golden V-Scores, as scripts/lsp-golden.py
    /// wrote them (Fixtures/fixture-vscores.json): one list for the Swift tests and the Python script.
    static let golden: GoldenScores = {
        do {
            return try GoldenScores.load()
        } catch {
            fatalError("cannot read Fixtures/fixture-vscores.json (written by scripts/lsp-golden.py): \(error)")
        }
    }()

    static var task: String { golden.task }

    /// A Dotprompt file with `demonstrations` demonstrations (the first ones of the golden list).
    static func prompt(demonstrations: Int = 2, count: Int = 4, extraSettings: String = "") -> String {
        let body = golden.demonstrations.prefix(demonstrations)
            .map { "{{role \"user\"}}\n\($0.input)\n{{role \"model\"}}\n\($0.output)\n" }
            .joined(separator: "\n")
        return """
        ---
        description: \(task)
        vsynth:
          count: \(count)
          input_label: Review
          output_label: Sentiment\(extraSettings)
        ---
        {{role "system"}}
        You label product reviews.

        {{!-- vsynth:demos --}}
        \(body){{!-- /vsynth:demos --}}
        {{role "user"}}
        {{review}}

        """
    }
}
