import PromptFile
/// A generation that did not go into the pool, with why: dropped by the filter
/// (`CandidateFilter.judge`), unparseable, or ambiguous. Kept so that a user can see what the model
/// wrote: the counts alone said that news-topic's 40 generations were 32 leaks, not that every one
/// opened with the label list ("Sports, Business, Science"), which is what led to
/// `GenerationOptions.bannedOpenings`; and that examples/extract.prompt's unparseable ones were
/// emails and JSON that ran on past --max-tokens.
public struct DroppedCandidate: Hashable, Sendable, Codable {
    public var reason: DropReason
    /// What was written: the candidate; for `unparseable`, the values written up to the step that
    /// failed and that step's text as it came (an output never reached is empty); for `ambiguous`,
    /// the input with its best label.
    public var demonstration: Demonstration
    /// Why, where the reason alone does not say: "hit the 80-token limit writing Email",
    /// "wrote nothing for Meeting", "does not read back in the prompt's layout", or an ambiguous
    /// label's lead. Nil for the filter's reasons.
    public var detail: String?

    public init(reason: DropReason, demonstration: Demonstration, detail: String?) {
        self.reason = reason
        self.demonstration = demonstration
        self.detail = detail
    }
}
