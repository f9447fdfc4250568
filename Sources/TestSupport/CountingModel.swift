import Foundation
import LanguageModel
import Support

/// A real language model with a count of its `generate` calls: how many are in flight now, the
/// most that ever were at once, and how they ended. Every call goes to the wrapped model unchanged;
/// the tests use it to see that a round's generations (or two files' syntheses) really overlap,
/// stay within their bound, and are all cancelled together. With `delay`, each call waits before it
/// reaches the model, so that concurrent calls finish in another order than they started.
public final class CountingModel: LanguageModel, Sendable {
    /// What the calls did so far.
    public struct Counts: Sendable, Equatable {
        public var started = 0
        public var inFlight = 0
        public var mostInFlight = 0
        public var completed = 0
        /// Calls that ended with `CancellationError` or `LanguageModelError.cancelled`.
        public var cancelled = 0
        /// Calls begun after `markCancelled()` that still ran to their end (new work after a cancel).
        public var completedAfterMark = 0
        var marked = false
    }

    public let base: any LanguageModel
    private let delay: @Sendable (GenerationOptions) -> Duration
    private let state = Locked(Counts())

    public init(_ base: any LanguageModel, delay: @escaping @Sendable (GenerationOptions) -> Duration = { _ in .zero }) {
        self.base = base
        self.delay = delay
    }

    public var identity: ModelIdentity { base.identity }
    public var template: ChatTemplate { base.template }
    public var counts: Counts { state.withLock { $0 } }

    /// From now on, calls that start and complete are counted in `completedAfterMark` (call it
    /// right after cancelling).
    public func markCancelled() { state.withLock { $0.marked = true } }

    /// Waits (polling every 10 ms, at most `attempts` times) until `condition` holds for the counts;
    /// returns whether it did.
    public func wait(attempts: Int = 6000, until condition: (Counts) -> Bool) async -> Bool {
        for _ in 0..<attempts {
            if condition(counts) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return condition(counts)
    }

    public func tokenize(_ text: String) async throws -> [Int32] { try await base.tokenize(text) }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await base.score(context: context, continuations: continuations)
    }

    public func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await base.rankingScore(context: context, continuations: continuations)
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        let afterMark = state.withLock {
            $0.started += 1
            $0.inFlight += 1
            $0.mostInFlight = max($0.mostInFlight, $0.inFlight)
            return $0.marked
        }
        do {
            let pause = delay(options)
            if pause > .zero { try await Task.sleep(for: pause) }
            let generation = try await base.generate(prompt: prompt, options: options)
            state.withLock {
                $0.inFlight -= 1
                $0.completed += 1
                if afterMark { $0.completedAfterMark += 1 }
            }
            return generation
        } catch {
            let cancelled = error is CancellationError || (error as? LanguageModelError) == .cancelled
            state.withLock {
                $0.inFlight -= 1
                if cancelled { $0.cancelled += 1 }
            }
            throw error
        }
    }
}
