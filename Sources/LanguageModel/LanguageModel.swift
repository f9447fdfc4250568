/// The one protocol the V-Synthesis method talks to. The embedded engine (`Inference`) and the remote
/// backends (`Backends`) conform to it; the method never knows which one it holds.
///
/// Scoring takes text, not token ids, because a remote server tokenizes for itself; an engine
/// tokenizes the context and every continuation *separately* (special tokens parsed), as the
/// V-Score frame (docs/method.md) requires, so a continuation's tokens are the same under any context.
public protocol LanguageModel: Sendable {
    /// Who produces the numbers: scores from different identities are never mixed or cached together.
    var identity: ModelIdentity { get }
    /// The chat template whose turn markers build the V-Score frame and the generation prompt.
    var template: ChatTemplate { get }
    /// Token ids of `text`, special tokens such as `<|im_start|>` parsed, no BOS.
    func tokenize(_ text: String) async throws -> [Int32]
    /// ln p of every token of each continuation given `context` and the continuation's earlier tokens.
    /// Engines may share the context's computation (prefix reuse) and batch the continuations.
    func score(context: String, continuations: [String]) async throws -> [ContinuationScore]
    /// As `score`, for numbers that are only compared with each other (which label is likelier) and
    /// never reported, cached or checked against llama.cpp: an engine may reuse computation that
    /// moves their low bits. The embedded engine keeps prefix reuse here on K-quant files, where
    /// `score` evaluates every sequence whole for llama.cpp's numbers. Default: `score`.
    func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore]
    /// Sampled or greedy text after `prompt` (already in the model's chat template).
    func generate(prompt: String, options: GenerationOptions) async throws -> Generation
}

/// Names the model and backend behind a number, for caches, diagnostics and reports.
public struct ModelIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `embedded`, `openai`, `llama-server`, `ollama`.
    public var backend: String
    /// The model's name as the backend knows it (file name for the embedded engine).
    public var model: String
    /// Something that changes when the weights change (file size and checksum prefix, server model id).
    public var revision: String

    public init(backend: String, model: String, revision: String) {
        self.backend = backend
        self.model = model
        self.revision = revision
    }

    public var description: String { "\(backend):\(model)" }
}

/// The log-probabilities of one continuation's tokens.
public struct ContinuationScore: Hashable, Sendable, Codable {
    /// ln p(token_i | context, tokens_<i), natural log, one per token of the continuation.
    public var tokenLogprobs: [Double]
    /// The text of each token (for hovers that name the least consistent tokens).
    public var tokenTexts: [String]

    public init(tokenLogprobs: [Double], tokenTexts: [String]) {
        self.tokenLogprobs = tokenLogprobs
        self.tokenTexts = tokenTexts
    }

    /// Σ ln p over the continuation's tokens, in nats.
    public var total: Double { tokenLogprobs.reduce(0, +) }
    public var tokenCount: Int { tokenLogprobs.count }
}

/// How to sample. Temperature 0 is greedy (argmax); the filters apply in llama.cpp's order:
/// top-k, top-p, min-p, then temperature.
public struct GenerationOptions: Hashable, Sendable, Codable {
    public var maxTokens: Int
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var minP: Double
    public var seed: UInt64
    /// Generation stops before the first occurrence of any of these; the stop string is not returned.
    public var stop: [String]
    /// What the text must be, if anything (see `OutputConstraint`); nil: free text.
    public var constraint: OutputConstraint?
    /// Words the text may not begin with, as whole words, ignoring case and any leading spaces and
    /// punctuation ("Sports, Business" and "sports news" for `sports`; "Sportswear" is allowed). The
    /// embedded engine refuses the tokens that would complete such an opening; remote backends
    /// have no such request field and ignore it, so callers check the text either way.
    public var bannedOpenings: [String]

    public init(maxTokens: Int = 256, temperature: Double = 0, topK: Int = 0, topP: Double = 1,
                minP: Double = 0, seed: UInt64 = 0, stop: [String] = [], constraint: OutputConstraint? = nil,
                bannedOpenings: [String] = []) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
        self.stop = stop
        self.constraint = constraint
        self.bannedOpenings = bannedOpenings
    }
}

/// What `generate` produced.
public struct Generation: Hashable, Sendable, Codable {
    public enum FinishReason: String, Hashable, Sendable, Codable {
        case endOfText = "eos", stop, length
    }
    public var text: String
    public var tokenCount: Int
    public var finishReason: FinishReason

    public init(text: String, tokenCount: Int, finishReason: FinishReason) {
        self.text = text
        self.tokenCount = tokenCount
        self.finishReason = finishReason
    }
}

/// Errors any model can raise; engines and backends add detail in the message.
public enum LanguageModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case cancelled
    case contextOverflow(needed: Int, limit: Int)
    case unsupported(String)
    case failed(String)

    public var description: String {
        switch self {
        case .cancelled: "model: cancelled"
        case let .contextOverflow(needed, limit): "model: \(needed) tokens exceed the context of \(limit)"
        case let .unsupported(what): "model: unsupported: \(what)"
        case let .failed(message): "model: \(message)"
        }
    }
}

extension LanguageModel {
    public func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await score(context: context, continuations: continuations)
    }
}
