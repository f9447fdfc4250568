import PromptFile
/// Every knob of V-Synthesis (docs/method.md), with the defaults the CLI and the server use.
public struct SynthesisOptions: Hashable, Sendable, Codable {
    /// How the final demonstrations are chosen.
    public enum Method: String, CaseIterable, Hashable, Sendable, Codable {
        /// Proportional sampling of references and of the final n (the paper's method).
        case vsynthesis
        /// Score every candidate; references and the final n are the best by V-Score.
        case topk
        /// Generate n with uniformly drawn references; no scoring decides anything.
        case naive
    }

    /// How a labelled task's output is chosen (a task with a label set never generates free text).
    public enum LabelStrategy: String, CaseIterable, Hashable, Sendable, Codable {
        /// Generate the input, then draw the label from the softmax of ln p(label | prompt, input) at
        /// the generation temperature.
        case score
        /// Generate the input, then take the label of highest ln p.
        case argmax
        /// Choose the label first (the least covered so far, round-robin), ask for an input with that
        /// label, then take the likeliest label after it (as `.argmax`).
        case target
        /// Generate the input, then label it the way `vsynth eval icl` classifies zero-shot: the label
        /// of highest ln p(D | T), D the demonstration with that label in the V-Score frame (the task
        /// as the system turn, the input as the user turn, the label as the model turn).
        case classify
        /// Generate the input, then take the label of highest V-Score: ln p(D | T) − ln p(D | ∅).
        /// The input's share is the same for every label, so this is the pointwise V-information
        /// from T to the label, ln p(label | T, x) − ln p(label | ∅, x): the task's naming of the
        /// labels counts, the model's prior over them cancels, with no content-free input. But the
        /// ∅ side cancels what the input itself says about its label too (ln p(label | ∅, x) is
        /// highest for the right label), so with SmolLM2-135M it labels below chance: 0.32, 0.32
        /// and 0.20 of the ICL sets' test inputs right (`vsynth eval labels`).
        case vinfo
        /// As `.classify`, less ln of each label's mean probability over the content-free inputs
        /// "N/A", "" and "[MASK]" (`Synthesizer.labelPrior`): contextual calibration in the
        /// zero-shot frame, which cancels the prior over the labels and keeps what the input says
        /// about them (which `.vinfo`'s ∅ side cancels too): 0.82, 0.75 and 0.82 of the ICL sets'
        /// test inputs right (`vsynth eval labels`; 0.78, 0.72 and 0.84 with "N/A" alone).
        case calibrated
        /// `.vinfo`'s label when `.calibrated` chooses the same one; a candidate on which they
        /// disagree is dropped as `ambiguous`. The V-information choice alone labelled "Very Bad"
        /// `positive` on examples/sentiment.prompt, where the calibrated zero-shot reading says
        /// `negative`: two readings that disagree mean the label is a guess.
        case agreed
    }

    public var method: Method = .vsynthesis
    /// `.calibrated` by measurement (docs/prompt-files.md, "Which label is true"): a synthesized
    /// demonstration is kept in the user's file, so its label must be true, and the calibrated
    /// reading is the one that labels held-out inputs right most often (0.72–0.84 against 0.53–0.65
    /// for `.argmax` and `.classify`, 0.20–0.32 for `.vinfo`), while its in-context accuracy stays
    /// above zero-shot on every ICL set.
    public var labelStrategy: LabelStrategy = .calibrated
    /// References shown to the model per generation (k).
    public var references: Int = 3
    /// Candidates generated per round (m).
    public var candidatesPerRound: Int = 4
    /// Synthesis scale N: synthesized demonstrations in the pool before the final choice.
    public var scale: Int = 16
    /// Demonstrations to return (n).
    public var count: Int = TopUp.defaultCount
    public var weighting: Weighting = .defaultClip
    /// With `.vinfo`, `.agreed`, `.classify` or `.calibrated`: a candidate whose best label leads the second by
    /// less than this many nats is dropped as `ambiguous` (0: never).
    public var labelMargin: Double = 0
    /// Labelled tasks (vsynthesis, topk): the orders of the chosen demonstrations tried by
    /// `DemonstrationOrder` (all of them up to this many; 1: the draw order).
    public var orderings: Int = 24
    /// Times a candidate's input is drawn again (a new seed, the same prompt) while it is one the run
    /// wrote before its round, the file's own included, compared in words (`TextStatistics.words`:
    /// "Good." is "good"; a multi-field input as rendered, its fields drawn again together); 0: never.
    /// Such a candidate was a duplicate: generated, labelled, scored and dropped. A redraw is a fresh
    /// sample of the model's; refusing the tokens that would end a repeat (tried first) forced
    /// continuations such as "Bad. and Negative." (a leak) and runs to the token limit.
    public var redraws: Int = 3
    /// Weight by V-Score per token instead of the total (long demonstrations otherwise dominate).
    public var weightPerToken: Bool = false
    public var temperature: Double = 0.8
    public var topP: Double = 0.95
    public var maxTokens: Int = 80
    public var seed: UInt64 = 0
    /// Token-Jaccard above which a candidate is a near duplicate of a pool member. 0.6 by
    /// measurement (docs/prompt-files.md, "Near duplicates"): at 0.8 the 135M model's near-copies
    /// ("But why did I have to watch it? I thought it was a fun movie." with and without "It's not
    /// for me.", Jaccard 0.76) reached the chosen demonstrations with opposite labels, and in-context
    /// accuracy over six seeds was lower on all three ICL sets.
    public var nearDuplicateThreshold: Double = 0.6
    /// Generations allowed per accepted demonstration before the loop gives up (bad prompts, tiny
    /// models); bounds the run's length whatever the model does.
    public var maxAttemptsPerDemonstration: Int = 6
    /// Candidates of a round generated at once (1: one after another). The round is planned from
    /// its start and consumed in slot order, so the result is the same for every value; a model
    /// that decodes concurrent requests together, or a server with parallel slots, is faster with more.
    public var parallelism: Int = 8

    public init() {}

    /// Checks every knob against `Limits` (the table the file, the CLI and the server read with);
    /// the error names the option. Whatever reaches `Synthesizer` has passed this, so its loop
    /// bounds cannot overflow.
    public func validate() throws(VSynthesisError) {
        try Self.check("references", references, Limits.references)
        try Self.check("candidates", candidatesPerRound, Limits.candidates)
        try Self.check("count", count, Limits.demonstrations)
        try Self.check("scale", scale, Limits.scale)
        try Self.check("temperature", temperature, Limits.temperature)
        try Self.check("top-p", topP, Limits.synthesisTopP)
        try Self.check("max-tokens", maxTokens, Limits.synthesisMaxTokens)
        try Self.check("near-duplicate", nearDuplicateThreshold, Limits.nearDuplicate)
        try Self.check("label-margin", labelMargin, Limits.labelMargin)
        try Self.check("attempts", maxAttemptsPerDemonstration, 1...1000)
        try Self.check("parallel", parallelism, Limits.parallel)
        try Self.check("orderings", orderings, Limits.orderings)
        try Self.check("redraws", redraws, Limits.redraws)
        switch weighting {
        case let .softmax(tau): try Self.check("tau", tau, Limits.tau)
        case let .clip(epsilon): try Self.check("epsilon", epsilon, Limits.epsilon)
        }
    }

    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws(VSynthesisError) {
        guard range.contains(value) else {
            throw .invalidOption(name: name, message: "must be in \(Limits.text(range)), got \(value)")
        }
    }

    static func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>) throws(VSynthesisError) {
        guard range.contains(value) else {
            throw .invalidOption(name: name, message: "must be in \(Limits.text(range)), got \(value)")
        }
    }

    /// The number of synthesized demonstrations the loop aims for: N, but never fewer than n.
    public var target: Int { method == .naive ? count : max(scale, count) }
}
