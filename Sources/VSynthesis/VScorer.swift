import LanguageModel
import PromptFile

/// Scores demonstrations against task definitions with a language model: two teacher-forced passes,
/// one under `context(T)` and one under `context(∅)`, each batching every uncached demonstration
/// under its one shared context so the engine computes the context once (prefix reuse). The null
/// context does not depend on T, so one batch under it serves every task of a request.
public struct VScorer: Sendable {
    public let model: any LanguageModel
    /// The frame scores are made in: the model's own template unless `init` names another.
    public let frame: VScoreFrame
    public let cache: VScoreCache

    /// - Parameter frame: the frame to score in instead of the model's template (`--frame`,
    ///   `vsynth.frame`); nil: the model's.
    public init(model: any LanguageModel, frame: ChatTemplate.Kind? = nil, cache: VScoreCache = VScoreCache()) {
        self.init(model: model, frame: VScoreFrame(template: frame.map(ChatTemplate.init) ?? model.template), cache: cache)
    }

    private init(model: any LanguageModel, frame: VScoreFrame, cache: VScoreCache) {
        self.model = model
        self.frame = frame
        self.cache = cache
    }

    /// This scorer in the frame of `kind` (nil: unchanged); it shares the model and the cache.
    public func framing(_ kind: ChatTemplate.Kind?) -> VScorer {
        guard let kind else { return self }
        return VScorer(model: model, frame: VScoreFrame(template: ChatTemplate(kind)), cache: cache)
    }

    /// This scorer for demonstrations written in `format` (the plain frame labels bare turns); it
    /// shares the model and the cache.
    public func labelling(_ format: DemonstrationFormat) -> VScorer {
        VScorer(model: model, frame: frame.labelling(format), cache: cache)
    }

    /// The cache's key of one score: model, frame, T and D.
    public func key(task: String, demonstration: Demonstration) -> VScoreCache.Key {
        VScoreCache.Key(model: model.identity, frame: frame.cacheName, task: task, demonstration: demonstration)
    }

    /// The score of `demonstration` for `task` if it was made (and is still cached); never calls the model.
    public func cachedScore(task: String, demonstration: Demonstration) -> VScore? {
        cache[key(task: task, demonstration: demonstration)]
    }

    /// Demonstrations per model call when progress is reported.
    public static let progressChunk = 128

    /// The V-Score of one demonstration.
    public func score(task: String, demonstration: Demonstration) async throws -> VScore {
        let scores = try await score(task: task, demonstrations: [demonstration])
        guard let first = scores.first else { throw VSynthesisError.scoreCountMismatch(expected: 1, got: 0) }
        return first
    }

    /// V-Scores of `demonstrations` for task definition `task`, in order (see `score(requests:progress:)`).
    public func score(task: String, demonstrations: [Demonstration],
                      progress: (@Sendable (ScoringProgress) -> Void)? = nil) async throws -> [VScore] {
        try await score(requests: [(task, demonstrations)], progress: progress).first ?? []
    }

    /// V-Scores for several tasks at once, in request order. Cached ones cost nothing; the rest are
    /// scored in one batch per task context and a single batch under the null context. Cancellation
    /// is checked before each model call. With `progress`, each pass runs in chunks of
    /// `progressChunk` (every task-context chunk first, so prefix reuse still computes each context
    /// once) and reports after each chunk.
    public func score(requests: [(task: String, demonstrations: [Demonstration])],
                      progress: (@Sendable (ScoringProgress) -> Void)? = nil) async throws -> [[VScore]] {
        var results = requests.map { request in
            request.demonstrations.map { cachedScore(task: request.task, demonstration: $0) }
        }
        // Each distinct missing demonstration once per task, and once under the null context, in first-seen order.
        var taskMissing: [[Demonstration]] = []
        var nullMissing: [Demonstration] = []
        var nullSeen = Set<Demonstration>()
        for (request, cached) in zip(requests, results) {
            var missing: [Demonstration] = []
            var seen = Set<Demonstration>()
            for (demonstration, score) in zip(request.demonstrations, cached)
            where score == nil && seen.insert(demonstration).inserted {
                missing.append(demonstration)
                if nullSeen.insert(demonstration).inserted { nullMissing.append(demonstration) }
            }
            taskMissing.append(missing)
        }
        guard !nullMissing.isEmpty else { return results.map { $0.compactMap { $0 } } }

        var withTask: [[ContinuationScore]] = []
        var done = 0
        let taskTotal = taskMissing.reduce(0) { $0 + $1.count }
        for (request, missing) in zip(requests, taskMissing) {
            withTask.append(try await pass(1, context: frame.context(task: request.task), missing,
                                           done: &done, total: taskTotal, progress: progress))
        }
        done = 0
        let nullScores = try await pass(2, context: frame.nullContext, nullMissing,
                                        done: &done, total: nullMissing.count, progress: progress)
        let withNull = Dictionary(uniqueKeysWithValues: zip(nullMissing, nullScores))

        for (index, request) in requests.enumerated() {
            var fresh: [Demonstration: VScore] = [:]
            for (demonstration, taskScore) in zip(taskMissing[index], withTask[index]) {
                let position = request.demonstrations.firstIndex(of: demonstration) ?? 0
                guard taskScore.tokenCount > 0, let nullScore = withNull[demonstration] else {
                    throw VSynthesisError.emptyDemonstration(index: position)
                }
                let score = try checkedScore(task: taskScore, null: nullScore)
                fresh[demonstration] = score
                cache.insert(score, for: key(task: request.task, demonstration: demonstration))
            }
            for position in results[index].indices where results[index][position] == nil {
                results[index][position] = fresh[request.demonstrations[position]]
            }
        }
        return results.map { $0.compactMap { $0 } }
    }

    /// One teacher-forced pass over `demonstrations` under `context`: one call, or chunks with
    /// progress. The one place the model's answer count is checked.
    private func pass(_ number: Int, context: String, _ demonstrations: [Demonstration], done: inout Int, total: Int,
                      progress: (@Sendable (ScoringProgress) -> Void)?) async throws -> [ContinuationScore] {
        let texts = demonstrations.map(frame.text(of:))
        guard !texts.isEmpty else { return [] }
        let chunk = progress == nil ? texts.count : Self.progressChunk
        var scores: [ContinuationScore] = []
        scores.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: chunk) {
            try Task.checkCancellation()
            let part = Array(texts[start..<min(start + chunk, texts.count)])
            let answer = try await model.score(context: context, continuations: part)
            guard answer.count == part.count else {
                throw VSynthesisError.scoreCountMismatch(expected: part.count, got: answer.count)
            }
            scores += answer
            done += part.count
            progress?(ScoringProgress(pass: number, done: done, total: total))
        }
        return scores
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
}
