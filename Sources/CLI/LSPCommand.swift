import Foundation
import JSONRPC
import LanguageModel
import LanguageServer

/// `vsynth lsp [--stdio] [--log FILE] [--threads N] [--model PATH]`: the language-server daemon
/// editors start. Speaks JSON-RPC with LSP framing on standard input and output; standard output
/// carries protocol bytes only (stray prints are redirected to standard error), logs go to
/// standard error or `--log FILE`. Exits 0 on `exit` after `shutdown`, 1 otherwise.
public enum LSPCommand: Command {
    public static let spec = CommandSpec(
        path: ["lsp"],
        summary: "Run the language-server daemon on stdio (for Vim, Emacs, any LSP client).",
        usage: "[--stdio] [--log FILE] [--threads N] [--model PATH] [--backend NAME] [--debounce MS]",
        options: [
            .init("stdio", help: "Talk LSP over standard input and output (the default and only transport)."),
            .init("log", value: "FILE", help: "Append log lines to FILE instead of standard error."),
            .init("threads", value: "N", help: "Engine threads (0 = all cores; default 0)."),
            .init("model", value: "PATH", help: "The GGUF model (default: $VSYNTH_MODEL, else the fetched default model)."),
            .init("backend", value: "NAME", help: "embedded (default) or a remote backend."),
            .init("debounce", value: "MS", help: "Pause after typing before scoring (default 300)."),
        ],
        discussion: """
        Settings can also come from the client: initializationOptions or
        workspace/didChangeConfiguration with {"vsynth": {"model", "backend", "threads", "threshold",
        "count", "seed", "refresh", "debounce", "statusNotifications"}}. Commands: vsynth.synthesize
        {uri, n}, vsynth.topUp {uri}, vsynth.replaceWeakest {uri}, vsynth.rescore {uri}, vsynth.cancel
        {uri?}. See docs/lsp.md.
        """)

    public static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        var configuration = ServerConfiguration()
        configuration.threads = try arguments.int("threads", in: 0...1024, command: spec.path) ?? 0
        configuration.debounceMilliseconds = try arguments.int("debounce", in: 0...60_000, command: spec.path) ?? 300
        configuration.modelPath = arguments.value("model")
        configuration.backend = arguments.value("backend") ?? "embedded"
        let log = try logSink(arguments.value("log"))
        let connection = try Connection.standardIO(options: Connection.Options(name: "lsp", closesFileDescriptors: false, log: log))
        let server = LanguageServer(options: .init(
            configuration: configuration, log: log,
            exit: { code in Foundation.exit(code) },
            loadModel: { configuration in try await loadModel(configuration) }))
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

    /// The model the configuration names. The embedded engine is wired in once the Inference
    /// module provides `EmbeddedLanguageModel`; until then the daemon runs without scores
    /// (parse diagnostics, code actions and the protocol all work) and says why.
    static func loadModel(_ configuration: ServerConfiguration) async throws -> any LanguageModel {
        switch configuration.backend {
        case "embedded":
            let path = LSPModelPath.resolve(configuration.modelPath)
            guard FileManager.default.fileExists(atPath: path) else {
                throw LanguageServerError.model("model file not found at \(path); run 'vsynth model fetch' or set --model")
            }
            throw LanguageServerError.model("the embedded engine is not part of this build yet")
        default:
            throw LanguageServerError.model("backend '\(configuration.backend)' is not available in the daemon yet")
        }
    }
}

/// Where the default model lives: `$VSYNTH_MODEL`, else
/// `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf`.
enum LSPModelPath {
    static func resolve(_ configured: String?) -> String {
        if let configured, !configured.isEmpty { return (configured as NSString).expandingTildeInPath }
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["VSYNTH_MODEL"], !path.isEmpty { return path }
        let folder = environment["VSYNTH_MODELS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/vsynth/models")
        return (folder as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
    }
}
