import Foundation
import JSONRPC
import LanguageModel
import PromptFile
import VSynthesis

/// VSynth's language server: one actor owns every piece of server state (documents, scores,
/// running work), as in sourcekit-lsp. Messages arrive in order from the `Connection`; handlers
/// only read and update state and start tasks, so they return within milliseconds. Model work
/// (scoring, synthesis) runs in tasks of its own on the engine's threads and comes back to the
/// actor to publish results, re-checking the document first.
public actor LanguageServer: MessageHandler {
    /// How the server is embedded: where its model comes from, how the process exits, where logs go.
    public struct Options: Sendable {
        /// Loads the model the configuration names (the CLI passes the embedded engine's loader).
        public var loadModel: @Sendable (ServerConfiguration) async throws -> any LanguageModel
        /// Called on `exit` with the exit code (0 after `shutdown`, 1 without), after queued
        /// output is written. The CLI exits the process; tests record the code.
        public var exit: @Sendable (Int32) -> Void
        /// Log lines (never standard output).
        public var log: @Sendable (String) -> Void
        /// Settings before the client sends any (from the command line).
        public var configuration: ServerConfiguration
        /// How long to wait for the `didChange` that shows an edit the client said it applied.
        public var confirmationTimeout: Duration
        /// How often the watcher looks at files when inotify is unavailable.
        public var pollInterval: Duration
        /// Poll even where inotify exists (tests of the portable watcher).
        public var forcePolling = false

        public init(configuration: ServerConfiguration = ServerConfiguration(),
                    confirmationTimeout: Duration = .seconds(3),
                    pollInterval: Duration = .seconds(1),
                    log: @escaping @Sendable (String) -> Void = { _ in },
                    exit: @escaping @Sendable (Int32) -> Void = { _ in },
                    loadModel: @escaping @Sendable (ServerConfiguration) async throws -> any LanguageModel) {
            self.configuration = configuration
            self.confirmationTimeout = confirmationTimeout
            self.pollInterval = pollInterval
            self.log = log
            self.exit = exit
            self.loadModel = loadModel
        }
    }

    /// Where the server is in the LSP lifecycle.
    enum Phase { case waitingForInitialize, running, shutDown, exited }

    /// Whichever file watcher runs: inotify on Linux, polling elsewhere.
    enum Watcher {
        case polling(FileWatcher)
        #if os(Linux)
        case inotify(InotifyWatcher)
        #endif

        func stop() {
            switch self {
            case .polling(let watcher): watcher.stop()
            #if os(Linux)
            case .inotify(let watcher): watcher.stop()
            #endif
            }
        }
    }

    /// The model and the two things built on it.
    struct Engine: Sendable {
        var model: BoundedModel
        var scorer: VScorer
        var synthesizer: Synthesizer
    }

    let options: Options
    var phase = Phase.waitingForInitialize
    var connection: Connection?
    var capabilities = ClientCapabilities()
    var encoding = PositionEncoding.utf16
    var configuration: ServerConfiguration
    /// Absolute paths of the workspace folders (what may be watched and written).
    var workspaceFolders: [String] = []
    var documents: [String: Document] = [:]
    /// The pending or running scoring of each document; a newer change cancels it.
    var scoringTasks: [String: Task<Void, Never>] = [:]
    /// The synthesis running for each document.
    var jobs: [String: SynthesisJob] = [:]

    /// Whether a synthesis for `uri` is running (benchmarks and tests).
    public func isSynthesizing(_ uri: String) -> Bool { jobs[uri] != nil }
    var nextJobID = 0
    /// Inserted demonstrations waiting to show up in a `didChange`, by URI.
    var expectations: [String: EditExpectation] = [:]
    /// Closed prompt files in the workspace, scored from disk, by URI.
    var diskFiles: [String: PromptDocument] = [:]
    /// The bytes the server last wrote to each closed file (its own write is not a new save).
    var lastWritten: [String: [UInt8]] = [:]
    var watcher: Watcher?
    /// V-Scores by (model, frame, T, D): only changed demonstrations are ever scored again.
    /// Bounded (`scoreCacheEntries`, `scoreCacheBytes`) so a long-running daemon's memory stays
    /// flat however many distinct demonstrations it sees; the oldest scores go first.
    let cache = VScoreCache(capacity: LanguageServer.scoreCacheEntries, byteLimit: LanguageServer.scoreCacheBytes)
    /// The daemon's score cache: at most 20,000 scores…
    public static let scoreCacheEntries = 20_000
    /// …and at most 8 MiB of their text (documented in docs/lsp.md).
    public static let scoreCacheBytes = 8 << 20
    /// Model calls in flight at once per engine (`BoundedModel`): two files synthesized at once at
    /// the default `parallel` of 8 candidates each.
    public static let modelCallsInFlight = 16
    var engineTask: Task<Engine, any Error>?
    var engineKey = ""
    /// The engine once loaded (for answers that must not wait for it).
    var engine: Engine?
    /// Engines of the named backends and models that files chose.
    var alternates = AlternateEngines()
    /// Why the configured model did not load: scoring is off (said once, not on every keystroke).
    var engineFailure: String?

    let registry = MessageRegistry(
        requests: [InitializeRequest.self, ShutdownRequest.self, HoverRequest.self, InlayHintRequest.self,
                   CodeActionRequest.self, CodeActionResolveRequest.self, ExecuteCommandRequest.self],
        notifications: [InitializedNotification.self, ExitNotification.self, DidOpenTextDocumentNotification.self,
                        DidChangeTextDocumentNotification.self, DidCloseTextDocumentNotification.self,
                        DidSaveTextDocumentNotification.self, DidChangeConfigurationNotification.self,
                        DidChangeWorkspaceFoldersNotification.self, WorkDoneProgressCancelNotification.self])

    public init(options: Options) {
        self.options = options
        self.configuration = options.configuration
    }

    // MARK: - MessageHandler

    public func handle(_ notification: NotificationMessage, from connection: Connection) async {
        self.connection = connection
        do {
            guard let typed = try registry.decode(notification) else { return }
            if typed is ExitNotification { return await exit() }
            // LSP: notifications before `initialize` are dropped (all but `exit`).
            guard phase == .running else { return }
            switch typed {
            case is InitializedNotification: initialized()
            case let open as DidOpenTextDocumentNotification: didOpen(open)
            case let change as DidChangeTextDocumentNotification: didChange(change)
            case let close as DidCloseTextDocumentNotification: didClose(close)
            case let save as DidSaveTextDocumentNotification: didSave(save)
            case let settings as DidChangeConfigurationNotification: didChangeConfiguration(settings)
            case let folders as DidChangeWorkspaceFoldersNotification: didChangeWorkspaceFolders(folders)
            case let cancel as WorkDoneProgressCancelNotification: cancelJobs { $0.token == cancel.token }
            default: break
            }
        } catch {
            log("\(notification.method): \(error)")
        }
    }

    public func handle(_ request: RequestMessage, from connection: Connection) async throws -> JSONValue {
        self.connection = connection
        let typed = try registry.decode(request)
        switch phase {
        case .waitingForInitialize where !(typed is InitializeRequest): throw ResponseError.serverNotInitialized
        case .shutDown, .exited: throw ResponseError.invalidRequest("the server is shut down; only exit is accepted")
        default: break
        }
        do {
            switch typed {
            case let initialize as InitializeRequest: return try await initialize.answer(self.initialize)
            case let shutdown as ShutdownRequest: return try await shutdown.answer(self.shutdown)
            case let hover as HoverRequest: return try await hover.answer(self.hover)
            case let hints as InlayHintRequest: return try await hints.answer(self.inlayHints)
            case let actions as CodeActionRequest: return try await actions.answer(self.codeActions)
            case let resolve as CodeActionResolveRequest: return try await resolve.answer(self.resolve)
            case let command as ExecuteCommandRequest: return try await self.execute(command)
            default: throw ResponseError.methodNotFound(request.method)
            }
        } catch let error as LanguageServerError {
            throw error.responseError
        }
    }

    /// Requests that read document state run in order, so they see every change sent before them
    /// and none sent after; a `vsynth.rescore` that waits for its scores runs beside later messages.
    public nonisolated func ordering(of request: RequestMessage) -> RequestOrdering {
        if request.method == ExecuteCommandRequest.method,
           request.params?["command"]?.stringValue == ServerCommand.rescore.rawValue,
           request.params?["arguments"]?[0]?["wait"]?.boolValue == true {
            return .concurrent
        }
        return .inOrder
    }

    public func connectionDidClose(_ connection: Connection) async {
        cancelEverything()
    }

    // MARK: - Helpers

    func log(_ line: String) { options.log("lsp: \(line)") }

    /// Sends a notification to the client (dropped when not connected).
    func notify<N: NotificationType>(_ notification: N) {
        do { try connection?.send(notification) } catch { log("cannot send \(N.method): \(error)") }
    }

    /// Tells the user something in the editor's message area (1 error, 2 warning, 3 info).
    func showMessage(_ message: String, type: Int = 2) {
        log(message)
        notify(ShowMessageNotification(type: type, message: "vsynth: " + message))
    }

    /// Sends `vsynth/status` to clients that asked for it. `synthesizing` carries the running
    /// job's progress (percentage and message) unless a message is given.
    func status(_ state: String, uri: String? = nil, message: String? = nil) {
        guard configuration.statusNotifications else { return }
        let counts = uri.flatMap(counts(of:))
        let progress = state == "synthesizing" ? uri.flatMap { jobs[$0]?.progress.withLock { $0 } } : nil
        notify(StatusNotification(state: state, uri: uri,
                                  message: message ?? progress?.message ?? (state == "idle" ? counts?.summary : nil),
                                  counts: counts, percentage: progress?.percentage))
    }

    /// Stops every task the server started.
    func cancelEverything() {
        for task in scoringTasks.values { task.cancel() }
        scoringTasks = [:]
        cancelJobs { _ in true }
        watcher?.stop()
        watcher = nil
    }
}
