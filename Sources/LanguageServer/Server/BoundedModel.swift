import LanguageModel
import Support

/// A language model with at most `limit` calls in flight, the rest waiting in arrival order: the
/// daemon's bound on model work. Several files synthesized at once, and the candidates of each
/// synthesis round, reach the model together up to the bound, so an engine that decodes concurrent
/// requests together (or a server with parallel slots) batches them, and none of them waits for
/// another file to finish. A request waiting its turn suspends; no thread of the concurrency pool
/// (which serves the daemon's messages) is held while it waits.
public final class BoundedModel: LanguageModel, @unchecked Sendable {
    public let base: any LanguageModel
    private let gate: AsyncSemaphore

    public init(_ base: any LanguageModel, limit: Int) {
        self.base = base
        gate = AsyncSemaphore(limit: limit)
    }

    public var identity: ModelIdentity { base.identity }
    public var template: ChatTemplate { base.template }

    public func tokenize(_ text: String) async throws -> [Int32] {
        try await gate.withPermit { try await self.base.tokenize(text) }
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await gate.withPermit { try await self.base.score(context: context, continuations: continuations) }
    }

    public func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await gate.withPermit { try await self.base.rankingScore(context: context, continuations: continuations) }
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await gate.withPermit { try await self.base.generate(prompt: prompt, options: options) }
    }
}
