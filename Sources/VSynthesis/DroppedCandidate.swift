import PromptFile
/// A generated candidate the filter did not let into the pool, with why (`CandidateFilter.judge`).
/// Kept so that a user can see what the model wrote: the counts alone said that news-topic's 40
/// generations were 32 leaks, not that every one opened with the label list ("Sports, Business,
/// Science"), which is what led to `GenerationOptions.bannedOpenings`.
public struct DroppedCandidate: Hashable, Sendable, Codable {
    public var reason: DropReason
    public var demonstration: Demonstration

    public init(reason: DropReason, demonstration: Demonstration) {
        self.reason = reason
        self.demonstration = demonstration
    }
}
