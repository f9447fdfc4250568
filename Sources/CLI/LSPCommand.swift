import Foundation
import JSONRPC
import LanguageModel
import LanguageServer
import PromptFile

/// `vsynth lsp [--stdio] [--log FILE] [--threads N] [--model PATH]`: the language-server daemon
/// editors start. Speaks JSON-RPC with LSP framing on standard input and output; standard output
/// carries protocol bytes only (stray prints are redirected to standard error), logs go to
/// standard error or `--log FILE`. Exits 0 on `exit` after `shutdown`, 1 otherwise.
enum LSPCommand: Command {
    struct Options: OptionGroup {
        let stdio: Option<Bool> = .flag("stdio", help: "Talk LSP over standard input and output (the default and only transport).")
        let log: Option<String?> = .text("log", value: "FILE", help: "Append log lines to FILE instead of standard error.")
        let threads: Option<Int> = .integer("threads", value: "N", bound: Limits.threads, default: ServerConfiguration().threads,
                                            help: "Engine threads; 0 is all cores.")
        let model = EvalCommand.model
        let backend = EvalCommand.backend
        let debounce: Option<Int> = .integer("debounce", value: "MS", bound: Limits.debounce,
                                             default: ServerConfiguration().debounceMilliseconds,
                                             help: "Pause after typing before scoring.")
    }

    static let spec = CommandSpec(
        path: ["lsp"],
        summary: "Run the language-server daemon on stdio (for Vim, Emacs, any LSP client).",
        usage: "[--stdio] [--log FILE] [--threads N] [--model PATH] [--backend SPEC] [--debounce MS]",
        options: Options(),
        discussion: """
        Settings can also come from the client: initializationOptions or
        workspace/didChangeConfiguration with {"vsynth": {"model", "backend", "backends", "models",
        "threads", "threshold", "count", "seed", "refresh", "debounce", "statusNotifications"}}.
        A prompt file's vsynth.backend / vsynth.model may only name a configured backend or model. Commands: vsynth.synthesize
        {uri, n}, vsynth.topUp {uri}, vsynth.replaceWeakest {uri}, vsynth.rescore {uri}, vsynth.cancel
        {uri?}, vsynth.refresh {uri}. See docs/lsp.md.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        var configuration = ServerConfiguration()
        configuration.environmentNames = namedModels()
        configuration.threads = try arguments[\.threads]
        configuration.debounceMilliseconds = try arguments[\.debounce]
        configuration.modelPath = try arguments[\.model]
        if let backend = try arguments[\.backend] { configuration.backend = backend }
        let log = try logSink(try arguments[\.log])
        let connection = try Connection.standardIO(options: Connection.Options(name: "lsp", closesFileDescriptors: false, log: log))
        let server = LanguageServer(options: .init(
            configuration: configuration, log: log,
            exit: { code in Foundation.exit(code) },
            loadModel: { configuration in try await ModelFactory.model(configuration) }))
        log("vsynth lsp \(VSynthCLI.version) started (pid \(ProcessInfo.processInfo.processIdentifier))")
        connection.start(handler: server)
        await connection.waitUntilClosed()
        // The client went away without `exit`: LSP's exit code for that is 1.
        log("input closed without exit")
        return 1
    }

    /// Where log lines go: a file (appended, created if missing) or standard error.
    static func logSink(_ path: String?) throws -> @Sendable (String) -> Void {
        guard let path else { return Connection.logToStandardError }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw UsageError(command: spec.path, message: "cannot create the log file '\(path)'")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw UsageError(command: spec.path, message: "cannot open the log file '\(path)' for writing")
        }
        handle.seekToEndOfFile()
        let lock = NSLock()
        return { line in
            lock.lock()
            defer { lock.unlock() }
            handle.write(Data((line + "\n").utf8))
        }
    }

    /// The names `environment` configures (`VSYNTH_MODEL_<NAME>`, `VSYNTH_BACKEND_<NAME>`) and the
    /// catalog's names, each meaning itself (`ModelFactory` resolves it), so a prompt file's
    /// `vsynth.model` may choose a catalog model as it may a model the user named.
    static func namedModels(environment: [String: String] = ProcessInfo.processInfo.environment) -> NamedModels {
        let named = NamedModels.fromEnvironment(environment)
        let catalog = Dictionary(uniqueKeysWithValues: ModelSpec.catalog.map { ($0.name, $0.name) })
        return NamedModels(backends: named.backends, models: catalog.merging(named.models) { _, user in user })
    }
}
