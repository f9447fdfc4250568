import LanguageModel
import PromptFile

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

    /// Demonstrations per model call when progress is reported.
    public static let progressChunk = 128

    /// V-Scores of `demonstrations` for task definition `task`, in order. Cached ones cost nothing;
    /// the rest are scored in one batch per context. Cancellation is checked before each pass.
    /// With `progress`, each pass runs in chunks of `progressChunk` (every task-context chunk
    /// first, so prefix reuse still computes each context once) and reports after each chunk.
    public func score(task: String, demonstrations: [Demonstration],
                      progress: (@Sendable (ScoringProgress) -> Void)? = nil) async throws -> [VScore] {
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
            let withTask = try await pass(1, context: frame.context(task: task), texts, progress: progress)
            let withNull = try await pass(2, context: frame.nullContext, texts, progress: progress)
            guard withTask.count == texts.count else {
                throw VSynthesisError.scoreCountMismatch(expected: texts.count, got: withTask.count)
            }
            guard withNull.count == texts.count else {
                throw VSynthesisError.scoreCountMismatch(expected: texts.count, got: withNull.count)
            }
            var fresh: [Demonstration: VScore] = [:]
            for (offset, demonstration) in missing.enumerated() {
                guard withTask[offset].tokenCount > 0 else { throw VSynthesisError.emptyDemonstration(index: offset) }
                let score = try checkedScore(task: withTask[offset], null: withNull[offset])
                fresh[demonstration] = score
                cache.insert(score, for: key(task, demonstration))
            }
            for index in results.indices where results[index] == nil {
                results[index] = fresh[demonstrations[index]]
            }
        }
        return results.compactMap { $0 }
    }

    /// One teacher-forced pass over `texts` under `context`: one call, or chunks with progress.
    private func pass(_ number: Int, context: String, _ texts: [String],
                      progress: (@Sendable (ScoringProgress) -> Void)?) async throws -> [ContinuationScore] {
        guard let progress else {
            try Task.checkCancellation()
            return try await model.score(context: context, continuations: texts)
        }
        var scores: [ContinuationScore] = []
        scores.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: Self.progressChunk) {
            try Task.checkCancellation()
            let chunk = Array(texts[start..<min(start + Self.progressChunk, texts.count)])
            scores += try await model.score(context: context, continuations: chunk)
            progress(ScoringProgress(pass: number, done: min(start + chunk.count, texts.count), total: texts.count))
        }
        return scores
    }

    /// V-Scores for several tasks at once: one batch per task context, and a single batch under the
    /// null context for every task's demonstrations (the null context does not depend on T), so an
    /// engine computes each context once. Results are in request order; the cache is used and filled.
    public func score(requests: [(task: String, demonstrations: [Demonstration])]) async throws -> [[VScore]] {
        var nullMissing: [Demonstration] = []
        var nullSeen = Set<Demonstration>()
        var taskMissing: [[Demonstration]] = []
        for request in requests {
            var missing: [Demonstration] = []
            var seen = Set<Demonstration>()
            for demonstration in request.demonstrations
            where cache[key(request.task, demonstration)] == nil && seen.insert(demonstration).inserted {
                missing.append(demonstration)
                if nullSeen.insert(demonstration).inserted { nullMissing.append(demonstration) }
            }
            taskMissing.append(missing)
        }
        var nullScores: [Demonstration: ContinuationScore] = [:]
        if !nullMissing.isEmpty {
            try Task.checkCancellation()
            let scores = try await model.score(context: frame.nullContext, continuations: nullMissing.map(frame.text(of:)))
            guard scores.count == nullMissing.count else {
                throw VSynthesisError.scoreCountMismatch(expected: nullMissing.count, got: scores.count)
            }
            for (demonstration, score) in zip(nullMissing, scores) { nullScores[demonstration] = score }
        }
        for (request, missing) in zip(requests, taskMissing) where !missing.isEmpty {
            try Task.checkCancellation()
            let scores = try await model.score(context: frame.context(task: request.task),
                                               continuations: missing.map(frame.text(of:)))
            guard scores.count == missing.count else {
                throw VSynthesisError.scoreCountMismatch(expected: missing.count, got: scores.count)
            }
            for (offset, (demonstration, withTask)) in zip(missing, scores).enumerated() {
                guard withTask.tokenCount > 0 else { throw VSynthesisError.emptyDemonstration(index: offset) }
                guard let withNull = nullScores[demonstration] else { continue }
                cache.insert(try checkedScore(task: withTask, null: withNull), for: key(request.task, demonstration))
            }
        }
        return try requests.map { request in
            try request.demonstrations.map { demonstration in
                guard let score = cache[key(request.task, demonstration)] else {
                    throw VSynthesisError.model("no score for a demonstration (cache too small for the batch)")
                }
                return score
            }
        }
    }

    /// The V-Score of two passes, refused when either sum is not finite: whatever model answered,
    /// a NaN or infinite score never reaches the cache, a table, a diagnostic or a JSON encoder.
    func checkedScore(task: ContinuationScore, null: ContinuationScore) throws(VSynthesisError) -> VScore {
        let score = try VScore(task: task, null: null)
        for (context, value) in [("task", score.logpTask), ("null", score.logpNull), ("task", score.total)] where !value.isFinite {
            throw .nonFiniteScore(model: model.identity.description, context: context, value: value)
        }
        return score
    }

    /// The V-Score of one demonstration.
    public func score(task: String, demonstration: Demonstration) async throws -> VScore {
        let scores = try await score(task: task, demonstrations: [demonstration])
        guard let first = scores.first else { throw VSynthesisError.scoreCountMismatch(expected: 1, got: 0) }
        return first
    }
}
