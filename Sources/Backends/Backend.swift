import LanguageModel

/// Connects to a model server of any kind: the entry point the CLI and the daemon use.
public enum Backend {
    /// Connects and probes; throws `BackendError` for a server that is down, refuses the key, or
    /// lacks the model.
    public static func connect(_ configuration: BackendConfiguration) async throws -> any ProbedLanguageModel {
        switch configuration.kind {
        case .openai: try await OpenAIBackend.connect(configuration)
        case .llamaServer: try await LlamaServerBackend.connect(configuration)
        case .ollama: try await OllamaBackend.connect(configuration)
        }
    }

    /// Parses a backend kind as written in settings or on the CLI (`openai`, `llama-server`, `ollama`).
    public static func kind(_ text: String) throws(BackendError) -> BackendKind {
        guard let kind = BackendKind(rawValue: text.lowercased()) else {
            throw .invalidConfiguration("unknown backend '\(text)'; expected one of: "
                + BackendKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }
}
