import Backends
import Foundation
import PromptFile

/// `vsynth backend check URL`: connects to a model server, probes what it can do (tokenize, score
/// prompt tokens, generate, constrain JSON outputs to a schema, and with which request field) and
/// which model answers. Exit 0 when the server answered, 1 on an error
/// (down, wrong API key, unknown model), with the error naming the URL and the cause.
enum BackendCheckCommand: Command {
    struct Options: OptionGroup {
        let backend: Option<String> = .text("backend", value: "KIND", default: "openai",
                                            help: "Server protocol: openai (vLLM, llama-cpp-python), llama-server or ollama.")
        let model: Option<String?> = .text("model", value: "M", help: "Model to use (default: the server's first model).")
        let apiKeyEnv: Option<String?> = .text("api-key-env", value: "VAR",
                                               help: "Environment variable holding the API key (sent as a Bearer token).")
        let timeout: Option<Double?> = .number("timeout", value: "SECONDS", bound: Limits.timeout, shownDefault: 120,
                                               help: "Seconds to wait for each reply.")
        let json: Option<Bool> = .flag("json", help: "Print the capabilities as JSON.")
    }

    static let spec = CommandSpec(
        path: ["backend", "check"],
        summary: "Probe a model server: can it tokenize, score prompt tokens, generate, constrain JSON outputs; which model.",
        usage: "URL [--backend openai|llama-server|ollama] [--model M] [--api-key-env VAR] [--json]",
        options: Options(),
        positionals: 1...1,
        discussion: """
        The 'schema' line names the request field that really makes the server sample JSON under a
        schema, found by asking for a reply only a working constraint produces: response_format,
        guided_json (vLLM) or grammar (llama-cpp-python) for openai; json_schema or grammar for
        llama-server; format for ollama. 'no' means none worked: synthesized JSON outputs are then
        validated after generation and invalid ones dropped (they are validated either way).
        Example: vsynth backend check http://127.0.0.1:8000 --backend openai --api-key-env VLLM_API_KEY
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let urlText = arguments.positionals[0]
        let kindName = try arguments[\.backend]
        let kind: BackendKind
        let url: URL
        do {
            kind = try Backend.kind(kindName)
            url = try BackendConfiguration.url(urlText)
        } catch {
            throw UsageError(command: spec.path, message: error.description)
        }
        var configuration = BackendConfiguration(kind: kind, baseURL: url, model: try arguments[\.model],
                                                 apiKeyVariable: try arguments[\.apiKeyEnv])
        if let timeout = try arguments[\.timeout] {
            configuration.requestTimeout = timeout
        }
        let model = try await Backend.connect(configuration)
        let capabilities = await model.capabilities()
        if try arguments[\.json] {
            Console.out(try EvalCommand.json(capabilities))
        } else {
            Console.out(capabilities.summary)
        }
        return 0
    }
}
