import LanguageModel

/// Which model generates and which scores, as settings and the CLI give them: each role is a
/// remote backend or, when not set, the embedded model. One model for both roles is the common case;
/// different ones become a `SplitLanguageModel` whose identity names both.
public struct ModelRoles: Sendable, Codable, Equatable {
    /// Generates candidate demonstrations; nil = the embedded model.
    public var generator: BackendConfiguration?
    /// Computes V-Scores; nil = the embedded model.
    public var scorer: BackendConfiguration?

    public init(generator: BackendConfiguration? = nil, scorer: BackendConfiguration? = nil) {
        self.generator = generator
        self.scorer = scorer
    }

    /// One backend for both roles.
    public static func single(_ configuration: BackendConfiguration) -> ModelRoles {
        ModelRoles(generator: configuration, scorer: configuration)
    }

    /// Connects the configured backends and returns the model the method talks to. A role left nil
    /// uses `embedded()` (called only when needed). The same configuration for both roles connects once.
    /// A scorer that cannot score (Ollama, llama-server) is an error here, before any work starts.
    public func resolve(embedded: @Sendable () async throws -> any LanguageModel) async throws -> any LanguageModel {
        if generator == nil, scorer == nil { return try await embedded() }
        let scoring: any LanguageModel
        if let scorer {
            let remote = try await Backend.connect(scorer)
            let capabilities = await remote.capabilities(probingConstraints: false)
            guard capabilities.canScore else {
                throw BackendError.unsupported(backend: scorer.kind.rawValue, operation: "score (the scorer role)",
                    reason: capabilities.notes.first ?? "the server reports no prompt-token log-probabilities")
            }
            if generator == scorer { return remote }
            scoring = remote
        } else {
            scoring = try await embedded()
        }
        let generating: any LanguageModel = if let generator { try await Backend.connect(generator) } else { try await embedded() }
        return try SplitLanguageModel(generator: generating, scorer: scoring)
    }
}
