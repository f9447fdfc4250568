import LanguageModel


/// A language model whose calls run one at a time. The engine computes on its own threads, but a
/// call that blocks a cooperative-pool thread while it waits would, on a 2-core machine, leave no
/// thread for the server actor; one call at a time bounds that to one thread. It also lets short
/// scoring calls slip in between the generations of a long synthesis.
public final class SerializedModel: LanguageModel, @unchecked Sendable {
    public let base: any LanguageModel
    private let gate = AsyncGate()

    public init(_ base: any LanguageModel) { self.base = base }

    public var identity: ModelIdentity { base.identity }
    public var template: ChatTemplate { base.template }

    public func tokenize(_ text: String) async throws -> [Int32] {
        try await gate.run { try await self.base.tokenize(text) }
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await gate.run { try await self.base.score(context: context, continuations: continuations) }
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await gate.run { try await self.base.generate(prompt: prompt, options: options) }
    }
}

/// A first-in first-out async mutex. A waiter cancelled before its turn leaves with
/// `CancellationError` without running.
final class AsyncGate: Sendable {
    private struct State {
        var busy = false
        var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0
    }

    private let state = Protected(State())

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        try Task.checkCancellation()
        return try await body()
    }

    private func acquire() async throws {
        let id = state.withLock { state -> Int? in
            if !state.busy { state.busy = true; return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if resumeNow { continuation.resume(returning: false) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: false)
        }
        if !granted { throw CancellationError() }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiters.isEmpty { state.busy = false; return nil }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
