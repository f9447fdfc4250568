import Backends
import Foundation
import PromptFile

/// `vsynth backend check SPEC`: connects to a model server (a URL, or a whole backend spec as
/// `vsynth.backend` takes it, options included, so a spec can be checked exactly as it will be used), probes what it can do (tokenize, score
/// prompt tokens, generate, constrain JSON outputs to a schema, and with which request field) and
/// which model answers. Exit 0 when the server answered, 1 on an error
/// (down, wrong API key, unknown model), with the error naming the URL and the cause.
enum BackendCheckCommand: Command {
    struct Options: OptionGroup {
        let backend: Option<String?> = .text("backend", value: "KIND", shownDefault: "openai, or the spec's KIND+",
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
        usage: "URL|SPEC [--backend openai|llama-server|ollama] [--model M] [--api-key-env VAR] [--json]",
        options: Options(),
        positionals: 1...1,
        discussion: """
        The 'schema' line names the request field that really makes the server sample JSON under a
        schema, found by asking for a reply only a working constraint produces: response_format,
        guided_json (vLLM) or grammar (llama-cpp-python) for openai; json_schema or grammar for
        llama-server; format for ollama. 'no' means none worked: synthesized JSON outputs are then
        validated after generation and invalid ones dropped (they are validated either way).
        SPEC is a backend as vsynth.backend and --backend elsewhere take it, [KIND+]URL[?OPTIONS]
        (e.g. ollama+http://127.0.0.1:11434?model=llama3&max_reply_mib=8); the options here override it.
        Example: vsynth backend check http://127.0.0.1:8000 --backend openai --api-key-env VLLM_API_KEY
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        var configuration: BackendConfiguration
        let kindName = try arguments[\.backend]
        do {
            configuration = try BackendConfiguration(spec: arguments.positionals[0])
            if let kindName { configuration.kind = try Backend.kind(kindName) }
        } catch {
            throw UsageError(command: spec.path, message: error.description)
        }
        if let model = try arguments[\.model] { configuration.model = model }
        if let variable = try arguments[\.apiKeyEnv] { configuration.apiKeyVariable = variable }
        if let timeout = try arguments[\.timeout] { configuration.requestTimeout = timeout }
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
