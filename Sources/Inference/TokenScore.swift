import CKernels

/// What the model thought at one position of a scored sequence.
public struct TokenScore: Hashable, Sendable, Codable {
    /// The token that actually follows.
    public var token: Int32
    /// ln p(token | everything before it), natural log.
    public var logprob: Double
    /// The model's most likely token at this position (argmax of the logits).
    public var top: Int32
    /// ln p of `top`.
    public var topLogprob: Double

    public init(token: Int32, logprob: Double, top: Int32, topLogprob: Double) {
        self.token = token
        self.logprob = logprob
        self.top = top
        self.topLogprob = topLogprob
    }

    /// Scores `token` against one row of (vocab) logits with a log-softmax in Double.
    public static func score(logits: UnsafePointer<Float>, vocabularySize: Int, token: Int32) -> TokenScore {
        scores(logits: logits, vocabularySize: vocabularySize, tokens: CollectionOfOne(token))[0]
    }

    /// Scores each of `tokens` against one row of logits, sharing the log-softmax's normalizer:
    /// the numbers of `score(logits:vocabularySize:token:)` for each.
    public static func scores<Tokens: Collection<Int32>>(logits: UnsafePointer<Float>, vocabularySize: Int,
                                                         tokens: Tokens) -> [TokenScore] {
        var top: Int32 = 0
        let normalizer = vs_log_sum_exp(logits, Int32(vocabularySize), &top, -1)
        let topLogprob = Double(logits[Int(top)]) - normalizer
        return tokens.map { token in
            TokenScore(token: token, logprob: Double(logits[Int(token)]) - normalizer, top: top, topLogprob: topLogprob)
        }
    }
}
