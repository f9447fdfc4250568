import LanguageModel
import PromptFile

/// The V-Score of one demonstration D for a task definition T, in nats:
/// `V(D) = ln p(D | context(T)) − ln p(D | context(∅))`. Higher is more consistent with T.
public struct VScore: Hashable, Sendable, Codable {
    /// `ln p(D | context(T))`, summed over D's tokens (nats).
    public var logpTask: Double
    /// `ln p(D | context(∅))`, summed over D's tokens (nats).
    public var logpNull: Double
    /// Number of D's tokens (the same under both contexts).
    public var tokenCount: Int
    /// Per-token difference `ln p(t | T, …) − ln p(t | ∅, …)`, for hovers naming the weakest tokens.
    public var tokenDeltas: [Double]
    /// Token texts aligned with `tokenDeltas`.
    public var tokenTexts: [String]

    public init(logpTask: Double, logpNull: Double, tokenCount: Int, tokenDeltas: [Double] = [],
                tokenTexts: [String] = []) {
        self.logpTask = logpTask
        self.logpNull = logpNull
        self.tokenCount = tokenCount
        self.tokenDeltas = tokenDeltas
        self.tokenTexts = tokenTexts
    }

    /// Combines D's scores under the task context and the null context.
    /// Both must cover the same tokens; a mismatch or an empty D is an error, never a trap.
    public init(task: ContinuationScore, null: ContinuationScore) throws(VSynthesisError) {
        guard task.tokenCount == null.tokenCount else {
            throw .model("scores under the two contexts cover \(task.tokenCount) and \(null.tokenCount) tokens")
        }
        guard task.tokenCount > 0 else { throw .emptyDemonstration(index: 0) }
        self.init(logpTask: task.total, logpNull: null.total, tokenCount: task.tokenCount,
                  tokenDeltas: zip(task.tokenLogprobs, null.tokenLogprobs).map { $0 - $1 },
                  tokenTexts: task.tokenTexts)
    }

    /// V(D) in nats.
    public var total: Double { logpTask - logpNull }
    /// V(D) divided by D's token count.
    public var perToken: Double { tokenCount > 0 ? total / Double(tokenCount) : 0 }
    /// `ln p(D | T)` per token.
    public var logpTaskPerToken: Double { tokenCount > 0 ? logpTask / Double(tokenCount) : 0 }
}
