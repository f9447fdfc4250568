import LanguageModel
import Support


/// A language model whose calls run one at a time. The engine computes on its own threads, but a
/// call that blocks a cooperative-pool thread while it waits would, on a 2-core machine, leave no
/// thread for the server actor; one call at a time bounds that to one thread. It also lets short
/// scoring calls slip in between the generations of a long synthesis.
public final class SerializedModel: LanguageModel, @unchecked Sendable {
    public let base: any LanguageModel
    private let gate = AsyncSemaphore(limit: 1)

    public init(_ base: any LanguageModel) { self.base = base }

    public var identity: ModelIdentity { base.identity }
    public var template: ChatTemplate { base.template }

    public func tokenize(_ text: String) async throws -> [Int32] {
        try await gate.withPermit { try await self.base.tokenize(text) }
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await gate.withPermit { try await self.base.score(context: context, continuations: continuations) }
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await gate.withPermit { try await self.base.generate(prompt: prompt, options: options) }
    }
}
