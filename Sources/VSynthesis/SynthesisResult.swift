import PromptFile
/// A demonstration with its V-Score and where it came from.
public struct ScoredDemonstration: Hashable, Sendable, Codable {
    public enum Origin: String, Hashable, Sendable, Codable {
        /// Written by hand in the file.
        case existing
        /// Produced by this run.
        case synthesized
    }

    public var demonstration: Demonstration
    /// Nil only for `naive` results before they are scored for reporting.
    public var score: VScore?
    public var origin: Origin

    public init(demonstration: Demonstration, score: VScore?, origin: Origin) {
        self.demonstration = demonstration
        self.score = score
        self.origin = origin
    }
}

/// Where a run is, for progress reports.
public struct SynthesisProgress: Hashable, Sendable {
    public var round: Int
    /// Generations so far.
    public var candidates: Int
    /// Synthesized demonstrations accepted into the pool so far.
    public var accepted: Int
    /// The target number of synthesized demonstrations.
    public var target: Int
    /// Generated tokens per second of generation wall time so far (`SynthesisResult.generationSeconds`).
    public var tokensPerSecond: Double
    /// The pool is complete and the order of the chosen demonstrations is being chosen
    /// (`DemonstrationOrder`: up to 24 orders scored, with no round to report).
    public var ordering = false
    /// Orders scored so far, of `ordersTotal` (0 of 0 until the first is scored).
    public var ordersTried = 0
    public var ordersTotal = 0
    /// The run will choose an order after generating (a labelled task, `DemonstrationOrder`), so
    /// generation is only part of it.
    public var choosesOrder = false

    /// Share of a labelled run's time that generation takes before the order is chosen: about 60% with the
    /// default model on examples/sentiment.prompt (3.5 s of generation, 2.6 s choosing among 24 orders).
    static let generationShare = 0.6

    /// How far the run is, 0...99 (100 is for the finished result): generation's accepted
    /// candidates of the target fill all of it, or `generationShare` of it when an order is chosen
    /// next, and the orders tried the rest.
    public var percentage: Int {
        let generated = target > 0 ? min(1, Double(accepted) / Double(target)) : 0
        let done: Double
        if ordering {
            let tried = ordersTotal > 0 ? Double(ordersTried) / Double(ordersTotal) : 0
            done = Self.generationShare + (1 - Self.generationShare) * tried
        } else {
            done = choosesOrder ? Self.generationShare * generated : generated
        }
        return min(99, Int(100 * done))
    }

    /// What a synthesis says while it is choosing the order, or nil while it is still generating.
    public var orderingMessage: String? {
        guard ordering else { return nil }
        return ordersTotal > 0 ? "choosing the order of the demonstrations (\(ordersTried)/\(ordersTotal) tried)"
                               : "choosing the order of the demonstrations"
    }
}

/// What a synthesis run produced. Everything except `generationSeconds` is a function of
/// (model, input, options): two runs with the same seed give equal results.
public struct SynthesisResult: Sendable {
    /// The n chosen demonstrations, in the order they go into the file: as drawn, or with a label set
    /// (V-Synthesis, topk) the order `DemonstrationOrder` chose.
    public var selected: [ScoredDemonstration]
    /// The pool at the end: the file's demonstrations, then every accepted candidate.
    public var pool: [ScoredDemonstration]
    /// Every generation dropped, in the order they were generated, with what it wrote.
    public var dropped: [DroppedCandidate] = []
    /// How many of `dropped` each reason has.
    public var drops: DropCounts {
        var counts = DropCounts()
        for drop in dropped { counts.add(drop.reason) }
        return counts
    }
    /// Generations made.
    public var generations: Int
    /// Generations that held a parseable example.
    public var parsed: Int
    public var rounds: Int
    public var generatedTokens: Int
    /// Wall time spent generating and labelling candidates, concurrent generations counted once
    /// (not part of the reproducible result).
    public var generationSeconds: Double
    /// How many of `selected` carry each label of the task's label set, in the set's order (empty
    /// without a label set).
    public var labelHistogram: [LabelCount] = []

    /// The labels `selected` covers over the labels there are (1 without a label set).
    public var labelCoverage: Double {
        labelHistogram.isEmpty ? 1 : Double(labelHistogram.filter { $0.count > 0 }.count) / Double(labelHistogram.count)
    }

    /// How many of the pool's synthesized candidates carry each label, in the set's order (empty
    /// without a label set): what the balanced choice had to choose from.
    public var poolLabelHistogram: [LabelCount] = []

    /// The demonstrations chosen and then not kept because, with the file's own, they showed a
    /// single label of the label set (`LabelBalance.showsOneLabel`); `selected` is then empty.
    public var withheld: [ScoredDemonstration] = []
    /// The one label `withheld` (and the file's own demonstrations) carry; nil when none were withheld.
    public var withheldLabel: String?

    /// Labels that none of `selected` carries although the count had room for every label, or that
    /// none of `withheld` carried: the model read no candidate as one of them (`poolLabelHistogram`
    /// says how few), so the balance could not cover it. The user is told, since demonstrations that
    /// never show a label teach the model not to answer it.
    public var missingLabels: [String] {
        if let withheldLabel { return labelHistogram.map(\.label).filter { $0 != withheldLabel } }
        guard selected.count >= labelHistogram.count else { return [] }
        return labelHistogram.filter { $0.count == 0 }.map(\.label)
    }

    /// The warning about `missingLabels`, with the pool's histogram and what the user can do (the
    /// CLI prints it after the file's name, the daemon shows it); nil when every label is covered.
    public var missingLabelsWarning: String? {
        let missing = missingLabels
        guard !missing.isEmpty else { return nil }
        let names = missing.map { "'\($0)'" }.joined(separator: ", ")
        let pool = poolLabelHistogram.map { "\($0.label) \($0.count)" }.joined(separator: ", ")
        if let withheldLabel {
            return "kept none of the \(withheld.count) demonstrations chosen: the model read every one as '\(withheldLabel)' "
                + "and no candidate as \(names) (pool: \(pool)), and demonstrations of one label teach the model to give "
                + "that answer every time; write one labelled \(names) by hand (it is kept and shown to the model), "
                + "or try another seed or a larger scale"
        }
        return "no demonstration is labelled \(names): the model read none of the candidates that way "
            + "(pool: \(pool)); write one by hand, or try another seed or a larger scale"
    }

    /// The warning when demonstrations were withheld (`withheld`), nil otherwise: what the daemon and
    /// a batch run report instead of "no usable demonstration".
    public var withheldWarning: String? { withheldLabel == nil ? nil : missingLabelsWarning }

    /// A hint for a run from scratch (the file has no demonstration of its own) that dropped more
    /// than half of its generations (at least 8): to write one demonstration by hand, which the model
    /// then follows. Why: a 135M model follows an example far better than a task definition; on
    /// examples/support-triage.prompt it copied each ticket's subject into its body and kept 16 of 44
    /// generations (near-duplicate 20, leak 5), and with one hand-written ticket in the file it kept
    /// 16 of 17, 24 and 18 (seeds 3, 1, 2), tickets with a complaint in the body. Nil otherwise.
    public var exampleHint: String? {
        let drops = self.drops
        guard generations >= 8, drops.total * 2 > generations, !pool.contains(where: { $0.origin == .existing }) else {
            return nil
        }
        return "\(drops.total) of \(generations) generations were dropped (\(drops.summary)) and the file has no "
            + "demonstration of its own: a small model follows an example far better than the task, so write one "
            + "by hand in the demonstrations region (it stays, and the model sees it among the examples it writes from)"
    }

    /// Parsed generations over all generations (0 when none ran).
    public var parseRate: Double { generations == 0 ? 0 : Double(parsed) / Double(generations) }

    /// Parsed generations whose output validated against the JSON output schema (not dropped as
    /// `schema`), over the parsed generations (1 when none parsed, 1 without a schema).
    public var schemaValidRate: Double { parsed == 0 ? 1 : Double(parsed - drops[.schema]) / Double(parsed) }
}
