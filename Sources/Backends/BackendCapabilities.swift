import LanguageModel

/// What a backend can do, found by probing the server when the backend is first used; shown by
/// `vsynth backend check URL` and in the daemon's status so a score never hides its source.
public struct BackendCapabilities: Sendable, Codable, Equatable {
    /// Who answers: backend kind and the model as the server names it.
    public var identity: ModelIdentity
    /// The server root URL.
    public var url: String
    /// The server exposes a tokenizer (needed for exact context/continuation splits).
    public var canTokenize: Bool
    /// The server reports log-probabilities of prompt tokens, so V-Scores can be computed.
    public var canScore: Bool
    /// The server generates text.
    public var canGenerate: Bool
    /// The request field that makes the server sample JSON outputs under the schema (probed), nil
    /// when none works or it was not probed; outputs are validated after generation either way.
    public var constraint: ConstraintForm?
    /// One line per finding worth knowing (how scoring works on this server, why something is off).
    public var notes: [String]

    public init(identity: ModelIdentity, url: String, canTokenize: Bool, canScore: Bool,
                canGenerate: Bool, constraint: ConstraintForm? = nil, notes: [String]) {
        self.identity = identity
        self.url = url
        self.canTokenize = canTokenize
        self.canScore = canScore
        self.canGenerate = canGenerate
        self.constraint = constraint
        self.notes = notes
    }

    /// Human-readable report, one fact a line.
    public var summary: String {
        func mark(_ value: Bool) -> String { value ? "yes" : "no" }
        var lines = [
            "backend:  \(identity.backend)",
            "url:      \(url)",
            "model:    \(identity.model)",
            "tokenize: \(mark(canTokenize))",
            "score:    \(mark(canScore))",
            "generate: \(mark(canGenerate))",
            "schema:   \(constraint?.rawValue ?? "no")",
        ]
        lines += notes.map { "note:     \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// A language model behind a server that can report what it can do.
public protocol ProbedLanguageModel: LanguageModel {
    /// The capabilities found when the backend connected (and a one-token generation test); with
    /// `probingConstraints`, also which request field constrains JSON outputs (a few short
    /// generations the first time, so callers that only need the rest pass false).
    func capabilities(probingConstraints: Bool) async -> BackendCapabilities
}

extension ProbedLanguageModel {
    /// Everything, constraint support included (`vsynth backend check`).
    public func capabilities() async -> BackendCapabilities { await capabilities(probingConstraints: true) }
}
