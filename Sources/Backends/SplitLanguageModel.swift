import LanguageModel

/// Generates with one model and scores with another (e.g. generate on Ollama, score on the embedded
/// model or vLLM). Its identity names both, so a cached or displayed score never hides its source;
/// scores themselves come only from `scorer`.
public final class SplitLanguageModel: LanguageModel {
    public let generator: any LanguageModel
    public let scorer: any LanguageModel
    public let identity: ModelIdentity

    /// Both models must use the same chat template: prompts are rendered once, with `template`.
    public init(generator: any LanguageModel, scorer: any LanguageModel) throws(BackendError) {
        guard generator.template == scorer.template else {
            throw .invalidConfiguration("split roles need one chat template: the generator uses '\(generator.template.name)', the scorer '\(scorer.template.name)'")
        }
        self.generator = generator
        self.scorer = scorer
        identity = ModelIdentity(
            backend: "split",
            model: "generate=\(generator.identity.description) score=\(scorer.identity.description)",
            revision: generator.identity.revision + "|" + scorer.identity.revision)
    }

    public var template: ChatTemplate { scorer.template }

    /// The scorer's tokens: tokenization serves scoring (the V-Score frame).
    public func tokenize(_ text: String) async throws -> [Int32] {
        try await scorer.tokenize(text)
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await scorer.score(context: context, continuations: continuations)
    }

    public func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await scorer.rankingScore(context: context, continuations: continuations)
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await generator.generate(prompt: prompt, options: options)
    }
}
