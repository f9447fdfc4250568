import LanguageModel

/// Scores demonstrations against a task definition with a language model: two teacher-forced passes,
/// one under `context(T)` and one under `context(∅)`, each batching every uncached demonstration
/// under its one shared context so the engine computes the context once (prefix reuse).
public struct VScorer: Sendable {
    public let model: any LanguageModel
    public let frame: VScoreFrame
    public let cache: VScoreCache

    public init(model: any LanguageModel, cache: VScoreCache = VScoreCache()) {
        self.model = model
        self.frame = VScoreFrame(template: model.template)
        self.cache = cache
    }

    private func key(_ task: String, _ demonstration: Demonstration) -> VScoreCache.Key {
        VScoreCache.Key(model: model.identity, frame: frame.name, task: task, demonstration: demonstration)
    }

    /// V-Scores of `demonstrations` for task definition `task`, in order. Cached ones cost nothing;
    /// the rest are scored in one batch per context. Cancellation is checked before each pass.
    public func score(task: String, demonstrations: [Demonstration]) async throws -> [VScore] {
        var results: [VScore?] = demonstrations.map { cache[key(task, $0)] }
        // Each distinct missing demonstration once, in first-seen order.
        var missing: [Demonstration] = []
        var seen = Set<Demonstration>()
        for (index, demonstration) in demonstrations.enumerated()
        where results[index] == nil && seen.insert(demonstration).inserted {
            missing.append(demonstration)
        }
        if !missing.isEmpty {
            let texts = missing.map(frame.text(of:))
            try Task.checkCancellation()
            let withTask = try await model.score(context: frame.context(task: task), continuations: texts)
            try Task.checkCancellation()
            let withNull = try await model.score(context: frame.nullContext, continuations: texts)
            guard withTask.count == texts.count else {
                throw VSynthesisError.scoreCountMismatch(expected: texts.count, got: withTask.count)
            }
            guard withNull.count == texts.count else {
                throw VSynthesisError.scoreCountMismatch(expected: texts.count, got: withNull.count)
            }
            var fresh: [Demonstration: VScore] = [:]
            for (offset, demonstration) in missing.enumerated() {
                guard withTask[offset].tokenCount > 0 else { throw VSynthesisError.emptyDemonstration(index: offset) }
                let score = try VScore(task: withTask[offset], null: withNull[offset])
                fresh[demonstration] = score
                cache.insert(score, for: key(task, demonstration))
            }
            for index in results.indices where results[index] == nil {
                results[index] = fresh[demonstrations[index]]
            }
        }
        return results.compactMap { $0 }
    }

    /// The V-Score of one demonstration.
    public func score(task: String, demonstration: Demonstration) async throws -> VScore {
        let scores = try await score(task: task, demonstrations: [demonstration])
        guard let first = scores.first else { throw VSynthesisError.scoreCountMismatch(expected: 1, got: 0) }
        return first
    }
}
