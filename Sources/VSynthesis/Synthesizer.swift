import Foundation
import LanguageModel
import PromptFile
import Support

/// Runs V-Synthesis (docs/method.md) or one of its baselines for one task with one language model.
/// Reproducible: every generation's seed is derived from the run's seed, the round and the slot.
public struct Synthesizer: Sendable {
    public let model: any LanguageModel
    public let scorer: VScorer

    /// - Parameter frame: the frame to score and prompt in instead of the model's template.
    public init(model: any LanguageModel, frame: ChatTemplate.Kind? = nil, cache: VScoreCache = VScoreCache()) {
        self.model = model
        self.scorer = VScorer(model: model, frame: frame, cache: cache)
    }

    private init(model: any LanguageModel, scorer: VScorer) {
        self.model = model
        self.scorer = scorer
    }

    /// This synthesizer scoring and prompting in the frame of `kind` (nil: unchanged).
    public func framing(_ kind: ChatTemplate.Kind?) -> Synthesizer {
        Synthesizer(model: model, scorer: scorer.framing(kind))
    }

    /// Synthesizes demonstrations for the task `definition` written in `format`, starting from the
    /// file's `existing` demonstrations (which are scored, used as references, never dropped).
    /// With a label set in `format`, outputs are labels and the choice covers them evenly.
    /// `progress` is called after every round. Throws `CancellationError` when the task is cancelled.
    public func synthesize(definition: String, format: DemonstrationFormat, existing: [Demonstration] = [],
                           options: SynthesisOptions,
                           progress: (@Sendable (SynthesisProgress) -> Void)? = nil) async throws -> SynthesisResult {
        try options.validate()
        let scorer = self.scorer.labelling(format)
        let scoring = options.method != .naive
        let labels = format.labels
        var pool: [ScoredDemonstration] = []
        var filter = CandidateFilter(task: definition, format: format,
                                     nearDuplicateThreshold: options.nearDuplicateThreshold)
        var labelCounts: [String: Int] = [:]
        /// The words of every input the run has seen: the file's, and each candidate's that parsed.
        var written = Set(existing.map { TextStatistics.words(format.values(of: $0).input) })
        if !existing.isEmpty {
            let scores: [VScore?] = scoring
                ? try await scorer.score(task: definition, demonstrations: existing)
                : existing.map { _ in nil }
            for (demonstration, score) in zip(existing, scores) {
                pool.append(ScoredDemonstration(demonstration: demonstration, score: score, origin: .existing))
                filter.remember(demonstration)
                labelCounts[format.labelOrOutput(of: demonstration), default: 0] += 1
            }
        }
        let targeting = !labels.isEmpty && options.labelStrategy == .target
        let paragraphs = existing.contains { format.values(of: $0).input.contains("\n\n") }
        let prompt = GenerationPrompt(template: scorer.frame.template, task: definition, format: format, paragraphs: paragraphs)
        var dropped: [DroppedCandidate] = []
        /// Keeps a drop: its reason and what it wrote.
        func drop(_ reason: DropReason, _ demonstration: Demonstration, detail: String? = nil) {
            dropped.append(DroppedCandidate(reason: reason, demonstration: demonstration, detail: detail))
        }
        var generations = 0, parsed = 0, rounds = 0, tokens = 0
        var seconds = 0.0
        var synthesized = 0
        let target = options.target
        // Saturating: validate() bounds both factors, but the loop must stay finite (not trap) for any input.
        let (product, overflow) = target.multipliedReportingOverflow(by: max(1, options.maxAttemptsPerDemonstration))
        let maxGenerations = overflow ? Int.max : product
        var referenceGenerator = SplitMix64(seed: SplitMix64.derive(options.seed, 1))
        let clock = ContinuousClock()

        // A labelled run puts its chosen demonstrations in order (`order`) when there are several.
        let choosesOrder = !labels.isEmpty && options.method != .naive && options.orderings > 1 && options.count > 1
        /// Tells `progress` where the run stands (`orders`: the pool is complete and the order is being
        /// chosen, this many tried of so many).
        func report(orders: (tried: Int, total: Int)? = nil) {
            progress?(SynthesisProgress(round: rounds, candidates: generations, accepted: synthesized, target: target,
                                        tokensPerSecond: seconds > 0 ? Double(tokens) / seconds : 0, ordering: orders != nil,
                                        ordersTried: orders?.tried ?? 0, ordersTotal: orders?.total ?? 0,
                                        choosesOrder: choosesOrder))
        }

        /// Generates the round of `plans`, filters its candidates and scores them into the pool, up
        /// to `room` of them (nil: all).
        func run(_ plans: [SlotPlan], room: Int?) async throws {
            var fresh: [Demonstration] = []
            let started = clock.now
            try await generateRound(plans, prompt: prompt, options: options) { attempt in
                generations += 1
                tokens += attempt.tokens
                let candidate: Demonstration
                switch attempt.outcome {
                case .candidate(let demonstration): candidate = demonstration
                case .unparseable(let written, let why):
                    drop(.unparseable, written, detail: why)
                    return true
                case .ambiguous(let guess, let why):
                    parsed += 1
                    written.insert(TextStatistics.words(format.values(of: guess).input))
                    drop(.ambiguous, guess, detail: why)
                    return true
                }
                parsed += 1
                written.insert(TextStatistics.words(format.values(of: candidate).input))
                if let reason = filter.judge(candidate) {
                    drop(reason, candidate)
                    return true
                }
                fresh.append(candidate)
                labelCounts[format.values(of: candidate).output, default: 0] += 1
                // Nothing consumed past the room: the round ends once the pool would be full.
                return room.map { fresh.count < $0 } ?? true
            }
            seconds += (clock.now - started).seconds
            if !fresh.isEmpty {
                let kept = room.map { Array(fresh.prefix($0)) } ?? fresh
                let scores: [VScore?] = scoring
                    ? try await scorer.score(task: definition, demonstrations: kept)
                    : kept.map { _ in nil }
                for (demonstration, score) in zip(kept, scores) {
                    pool.append(ScoredDemonstration(demonstration: demonstration, score: score, origin: .synthesized))
                }
                synthesized += kept.count
            }
            report()
        }

        while synthesized < target, generations < maxGenerations {
            try Task.checkCancellation()
            rounds += 1
            try await run(planRound(rounds, slots: min(options.candidatesPerRound, maxGenerations - generations),
                                    pool: pool, labelCounts: labelCounts, written: written, targeting: targeting, format: format,
                                    options: options, using: &referenceGenerator),
                          room: target - synthesized)
        }
        // Coverage (docs/method.md, step 3): a label of which the synthesized pool holds less than its
        // share of the count gets rounds whose inputs are asked for the least covered labels, as
        // `.target` does for every round; each candidate's label is still the strategy's reading, so
        // an input that misses keeps the label it reads as. At most two rounds per label, and none
        // after a round that covered nothing more (the model reads no input as the missing label).
        if !labels.isEmpty, !targeting, options.count > 0 {
            let share = (options.count + labels.count - 1) / labels.count   // (the remainder may fall on any label)
            let budget = generations + 2 * labels.count * options.candidatesPerRound
            func shortfall() -> Int {
                let held = pool.filter { $0.origin == .synthesized }.map { format.values(of: $0.demonstration).output }
                return labels.map { label in max(0, share - held.filter { $0 == label }.count) }.reduce(0, +)
            }
            var missing = shortfall()
            while missing > 0, generations < budget {
                try Task.checkCancellation()
                rounds += 1
                try await run(planRound(rounds, slots: options.candidatesPerRound, pool: pool, labelCounts: labelCounts,
                                        written: written, targeting: true, format: format, options: options, using: &referenceGenerator),
                              room: nil)
                let now = shortfall()
                if now == missing { break }
                missing = now
            }
        }

        var selected = try await choose(from: pool.filter { $0.origin == .synthesized }, format: format, options: options)
        if options.method == .naive {
            // Scored for reporting only; the choice did not look at scores.
            let scores = try await scorer.score(task: definition, demonstrations: selected.map(\.demonstration))
            for index in selected.indices { selected[index].score = scores[index] }
        }
        // Demonstrations of one label teach the model to give it every time: none are kept, and the
        // user is told which label the model read every candidate as (`SynthesisResult.withheld`).
        var withheld: [ScoredDemonstration] = []
        let fileOutputs = (pool.filter { $0.origin == .existing } + selected).map { format.labelOrOutput(of: $0.demonstration) }
        if LabelBalance.showsOneLabel(fileOutputs, added: selected.count, labels: labels) {
            (withheld, selected) = (selected, [])
        }
        if choosesOrder, selected.count > 1 {
            report(orders: (0, 0))
            selected = try await order(selected, pool: pool, definition: definition, format: format, options: options) {
                report(orders: ($0, $1))
            }
        }
        let histogram = LabelBalance.histogram(outputs: selected.map { format.values(of: $0.demonstration).output },
                                               labels: labels)
        let poolHistogram = LabelBalance.histogram(
            outputs: pool.filter { $0.origin == .synthesized }.map { format.values(of: $0.demonstration).output }, labels: labels)
        return SynthesisResult(selected: selected, pool: pool, dropped: dropped, generations: generations,
                               parsed: parsed, rounds: rounds, generatedTokens: tokens, generationSeconds: seconds,
                               labelHistogram: histogram, poolLabelHistogram: poolHistogram, withheld: withheld,
                               withheldLabel: withheld.isEmpty ? nil : fileOutputs.first)
    }

    /// The n demonstrations to return, by the method's rule (docs/method.md, V-Synthesis step 4); with a label set,
    /// balanced over the labels (`LabelBalance`), the rule applying within the least covered labels.
    func choose(from candidates: [ScoredDemonstration], format: DemonstrationFormat,
                options: SynthesisOptions) async throws -> [ScoredDemonstration] {
        var generator = SplitMix64(seed: SplitMix64.derive(options.seed, 3))
        let weights = options.weighting.weights(candidates.map { weightScore($0, options) })
        if !format.labels.isEmpty {
            let groups = candidates.map { format.values(of: $0.demonstration).output }
            let indices: [Int]
            switch options.method {
            case .vsynthesis:
                indices = LabelBalance.sample(weights: weights, groups: groups, count: options.count, using: &generator)
            case .topk:
                let key = candidates.map { $0.score == nil ? -Double.infinity : weightScore($0, options) }
                indices = LabelBalance.choose(groups: groups, count: options.count) { choices in
                    choices.min { key[$0] != key[$1] ? key[$0] > key[$1] : $0 < $1 } ?? choices[0]
                }
            case .naive:
                indices = LabelBalance.choose(groups: groups, count: options.count) { $0[0] }
            }
            return indices.map { candidates[$0] }
        }
        switch options.method {
        case .vsynthesis:
            return ProportionalSampler.sample(weights: weights, count: options.count, using: &generator).map { candidates[$0] }
        case .topk:
            return Array(Self.best(candidates, options).prefix(options.count))
        case .naive:
            return Array(candidates.prefix(options.count))
        }
    }

    /// `selected` in the order `DemonstrationOrder` finds best after the file's own demonstrations
    /// (docs/method.md, V-Synthesis step 5).
    func order(_ selected: [ScoredDemonstration], pool: [ScoredDemonstration], definition: String,
               format: DemonstrationFormat, options: SynthesisOptions,
               progress: (_ tried: Int, _ total: Int) -> Void = { _, _ in }) async throws -> [ScoredDemonstration] {
        let classifier = InContextClassifier(model: model, template: scorer.frame.template, definition: definition,
                                             format: format, labels: format.labels)
        var generator = SplitMix64(seed: SplitMix64.derive(options.seed, 4))
        let order = try await DemonstrationOrder.best(selected.map(\.demonstration),
                                                      after: pool.filter { $0.origin == .existing }.map(\.demonstration),
                                                      classifier: classifier, limit: options.orderings, using: &generator,
                                                      progress: progress)
        return order.map { selected[$0] }
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
