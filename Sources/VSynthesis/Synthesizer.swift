import Foundation
import LanguageModel
import PromptFile

/// Runs V-Synthesis (DESIGN.md) or one of its baselines for one task with one language model.
/// Reproducible: every generation's seed is derived from the run's seed, the round and the slot.
public struct Synthesizer: Sendable {
    public let model: any LanguageModel
    public let scorer: VScorer

    public init(model: any LanguageModel, cache: VScoreCache = VScoreCache()) {
        self.model = model
        self.scorer = VScorer(model: model, cache: cache)
    }

    /// Synthesizes demonstrations for the task `definition` written in `format`, starting from the
    /// file's `existing` demonstrations (which are scored, used as references, never dropped).
    /// `progress` is called after every round. Throws `CancellationError` when the task is cancelled.
    public func synthesize(definition: String, format: DemonstrationFormat, existing: [Demonstration] = [],
                           options: SynthesisOptions,
                           progress: (@Sendable (SynthesisProgress) -> Void)? = nil) async throws -> SynthesisResult {
        try options.validate()
        let scoring = options.method != .naive
        var pool: [ScoredDemonstration] = []
        var filter = CandidateFilter(task: definition, format: format,
                                     nearDuplicateThreshold: options.nearDuplicateThreshold)
        if !existing.isEmpty {
            let scores: [VScore?] = scoring
                ? try await scorer.score(task: definition, demonstrations: existing)
                : existing.map { _ in nil }
            for (demonstration, score) in zip(existing, scores) {
                pool.append(ScoredDemonstration(demonstration: demonstration, score: score, origin: .existing))
                filter.remember(demonstration)
            }
        }
        let prompt = GenerationPrompt(template: model.template, task: definition, format: format)
        var drops = DropCounts()
        var generations = 0, parsed = 0, rounds = 0, tokens = 0
        var seconds = 0.0
        var synthesized = 0
        let target = options.target
        // Saturating: validate() bounds both factors, but the loop must stay finite (not trap) for any input.
        let (product, overflow) = target.multipliedReportingOverflow(by: max(1, options.maxAttemptsPerDemonstration))
        let maxGenerations = overflow ? Int.max : product
        var referenceGenerator = SplitMix64(seed: SplitMix64.derive(options.seed, 1))

        while synthesized < target, generations < maxGenerations {
            try Task.checkCancellation()
            rounds += 1
            var fresh: [Demonstration] = []
            let slots = min(options.candidatesPerRound, maxGenerations - generations)
            for slot in 0..<slots {
                try Task.checkCancellation()
                let references = chooseReferences(pool, options: options, format: format, using: &referenceGenerator)
                let candidate = try await generateCandidate(prompt, references: references, options: options,
                                                            seed: SplitMix64.derive(options.seed, 2, UInt64(rounds), UInt64(slot)),
                                                            tokens: &tokens, seconds: &seconds)
                generations += 1
                guard let candidate else {
                    drops.add(.unparseable)
                    continue
                }
                parsed += 1
                if let reason = filter.judge(candidate) {
                    drops.add(reason)
                } else {
                    fresh.append(candidate)
                    // Nothing generated past the target: the round ends once the pool would be full.
                    if synthesized + fresh.count >= target { break }
                }
            }
            if !fresh.isEmpty {
                let room = target - synthesized
                let kept = Array(fresh.prefix(room))
                let scores: [VScore?] = scoring
                    ? try await scorer.score(task: definition, demonstrations: kept)
                    : kept.map { _ in nil }
                for (demonstration, score) in zip(kept, scores) {
                    pool.append(ScoredDemonstration(demonstration: demonstration, score: score, origin: .synthesized))
                }
                synthesized += kept.count
            }
            progress?(SynthesisProgress(round: rounds, candidates: generations, accepted: synthesized,
                                        target: target, tokensPerSecond: seconds > 0 ? Double(tokens) / seconds : 0))
        }

        var selectionGenerator = SplitMix64(seed: SplitMix64.derive(options.seed, 3))
        let candidates = pool.filter { $0.origin == .synthesized }
        var selected: [ScoredDemonstration]
        switch options.method {
        case .vsynthesis:
            let indices = ProportionalSampler.sample(
                scores: candidates.map { weightScore($0, options) }, weighting: options.weighting,
                count: options.count, using: &selectionGenerator)
            selected = indices.map { candidates[$0] }
        case .topk:
            selected = Array(Self.best(candidates, options).prefix(options.count))
        case .naive:
            selected = Array(candidates.prefix(options.count))
            // Scored for reporting only; the choice above did not look at scores.
            let scores = try await scorer.score(task: definition, demonstrations: selected.map(\.demonstration))
            for index in selected.indices { selected[index].score = scores[index] }
        }
        return SynthesisResult(selected: selected, pool: pool, drops: drops, generations: generations,
                               parsed: parsed, rounds: rounds, generatedTokens: tokens, generationSeconds: seconds)
    }

    /// One candidate in two guided steps (input line, then output line); nil when a step ran out of
    /// tokens or wrote nothing, or the result does not read back in the prompt's layout.
    func generateCandidate(_ prompt: GenerationPrompt, references: [(input: String, output: String)],
                           options: SynthesisOptions, seed: UInt64,
                           tokens: inout Int, seconds: inout Double) async throws -> Demonstration? {
        var generationOptions = GenerationOptions(maxTokens: options.maxTokens, temperature: options.temperature,
                                                  topP: options.topP, seed: SplitMix64.derive(seed, 1), stop: prompt.stop)
        var started = Date()
        let first = try await model.generate(prompt: prompt.inputPrompt(references: references), options: generationOptions)
        seconds += Date().timeIntervalSince(started)
        tokens += first.tokenCount
        let input = GenerationPrompt.cleaned(first.text)
        guard first.finishReason != .length, !input.isEmpty, !input.contains("\n") else { return nil }
        try Task.checkCancellation()
        generationOptions.seed = SplitMix64.derive(seed, 2)
        if let schema = prompt.parser.format.outputSchema { generationOptions.constraint = .json(schema) }
        started = Date()
        let second = try await model.generate(prompt: prompt.outputPrompt(references: references, input: input),
                                              options: generationOptions)
        seconds += Date().timeIntervalSince(started)
        tokens += second.tokenCount
        // A JSON output is kept as generated: its quotes are JSON's, not a wrapper to strip.
        let output = generationOptions.constraint == nil ? GenerationPrompt.cleaned(second.text) : second.text.trimmingWhitespace
        guard second.finishReason != .length, !output.isEmpty else { return nil }
        return prompt.parser.demonstrations(in: prompt.completion(input: input, output: output)).first
    }

    func weightScore(_ item: ScoredDemonstration, _ options: SynthesisOptions) -> Double {
        guard let score = item.score else { return 0 }
        return options.weightPerToken ? score.perToken : score.total
    }

    /// Highest weight score first; ties keep pool order.
    static func best(_ items: [ScoredDemonstration], _ options: SynthesisOptions) -> [ScoredDemonstration] {
        let key: (ScoredDemonstration) -> Double = { item in
            guard let s = item.score else { return -.infinity }
            return options.weightPerToken ? s.perToken : s.total
        }
        return items.enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            return ka != kb ? ka > kb : a.offset < b.offset
        }.map(\.element)
    }

    /// k references from the pool: proportional to V-Score (vsynthesis), the best (topk), uniform (naive).
    func chooseReferences(_ pool: [ScoredDemonstration], options: SynthesisOptions, format: DemonstrationFormat,
                          using generator: inout SplitMix64) -> [(input: String, output: String)] {
        guard options.references > 0, !pool.isEmpty else { return [] }
        let chosen: [ScoredDemonstration]
        switch options.method {
        case .vsynthesis:
            let indices = ProportionalSampler.sample(scores: pool.map { weightScore($0, options) },
                                                     weighting: options.weighting, count: options.references,
                                                     using: &generator)
            chosen = indices.map { pool[$0] }
        case .topk:
            chosen = Array(Self.best(pool, options).prefix(options.references))
        case .naive:
            let indices = ProportionalSampler.sample(weights: pool.map { _ in 1 }, count: options.references,
                                                     using: &generator)
            chosen = indices.map { pool[$0] }
        }
        return chosen.map { format.values(of: $0.demonstration) }
    }
}
