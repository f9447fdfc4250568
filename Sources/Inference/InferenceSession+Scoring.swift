import LanguageModel

extension InferenceSession {
    /// Scores the tokens of `sequence` from index `from + 1` on: element i of the result is the score of
    /// `sequence[from + 1 + i]` given `sequence[...from + i]`.
    ///
    /// Prefix reuse: the longest common prefix with the cached tokens is not evaluated again, and scores
    /// computed earlier for positions inside that prefix are reused, so scoring continuations one after
    /// another after the same context costs only each continuation's new tokens (plus the one position
    /// where it parts from the previous sequence). Not with `scoresWholeSequences`: then every sequence
    /// is evaluated whole, from position 0.
    public func score(_ sequence: [Int32], from: Int) throws(LanguageModelError) -> [TokenScore] {
        let first = max(0, from)
        guard sequence.count >= 2, first < sequence.count - 1 else { return [] }
        guard sequence.count <= contextLength else {
            throw .contextOverflow(needed: sequence.count, limit: contextLength)
        }
        try checkTokens(sequence)
        choosePrimary(for: sequence)
        let common = scoresWholeSequences ? 0 : primary.commonPrefix(with: sequence)
        // Positions p in first ..< sequence.count-1 need a score for sequence[p+1]; the stored one is
        // valid when sequence[p+1] is still inside the common prefix and is the token it scored (a
        // cut leaves the score of the token cut off at the position before the cut, and a later
        // sequence may put another token there). Evaluation restarts at the first position without
        // one (or where the sequences part, if earlier), keeping the cache before it.
        var firstMissing: Int?
        for p in first..<(sequence.count - 1) where p + 1 >= common || nextTokenScores[p]?.token != sequence[p + 1] {
            firstMissing = p
            break
        }
        if let firstMissing {
            // Scoring is compared with llama.cpp evaluating whole sequences: never one token alone.
            let restart = Self.restartPoint(common: min(common, firstMissing), count: sequence.count)
            truncate(to: restart)
            let vocab = model.config.vocabularySize
            try append(sequence[restart...], logitsFrom: firstMissing - restart) { index, logits in
                let position = restart + index
                guard position + 1 < sequence.count else { return }
                nextTokenScores[position] = TokenScore.score(logits: logits, vocabularySize: vocab,
                                                            token: sequence[position + 1])
            }
        }
        var result: [TokenScore] = []
        result.reserveCapacity(sequence.count - 1 - first)
        for p in first..<(sequence.count - 1) {
            guard let score = nextTokenScores[p] else {
                throw .failed("internal: no score at position \(p)")
            }
            result.append(score)
        }
        return result
    }

    /// Before `sequence` is scored, makes the cached sequence that shares the longest prefix with it
    /// the primary one; the primary one is set aside (`spareSequences`, the least recently used one
    /// making room) rather than cut back when `sequence` parts from it within its first half, and the
    /// prefix they share is copied into the new primary one. So a
    /// V-Score, which alternates between the task's context and the null one, finds both cached, and
    /// the continuations of one context, which part late, share one sequence. Only where a cached
    /// prefix gives one batch's numbers (`numbersDependOnBatching` false, `BatchInvarianceTests`), so
    /// which sequence is used never changes a score.
    func choosePrimary(for sequence: [Int32]) {
        guard !numbersDependOnBatching, !scoresWholeSequences else { return }
        let common = primary.commonPrefix(with: sequence)
        let spareCommons = spareSequences.map { $0.sequence.commonPrefix(with: sequence) }
        if let best = spareCommons.indices.max(by: { spareCommons[$0] < spareCommons[$1] }), spareCommons[best] > common {
            let spare = spareSequences.remove(at: best)
            spareSequences.append((primary, nextTokenScores))
            (primary, nextTokenScores) = spare
        } else if common * 2 < primary.tokens.count {
            // The shared prefix is copied, not evaluated again.
            let next = spareSequences.count >= Self.spareSequenceCount ? spareSequences.removeFirst().sequence : makeSequence()
            next.fork(common, of: primary)
            let scores = Array(nextTokenScores.prefix(common))
            spareSequences.append((primary, nextTokenScores))
            (primary, nextTokenScores) = (next, scores)
        }
    }

    /// Scores each continuation after `context` (token ids), sharing the context's computation and the
    /// leading tokens that continuations have in common: continuations are evaluated in sorted order so
    /// that neighbours share the longest prefixes. Results are in the order given.
    public func score(context: [Int32], continuations: [[Int32]]) throws(LanguageModelError) -> [[TokenScore]] {
        let order = continuations.indices.sorted { continuations[$0].lexicographicallyPrecedes(continuations[$1]) }
        var results = [[TokenScore]](repeating: [], count: continuations.count)
        for index in order {
            let continuation = continuations[index]
            guard !continuation.isEmpty else { continue }
            if context.isEmpty {
                // No context: the first token has no prediction; score from the second on.
                results[index] = try score(continuation, from: 0)
            } else {
                results[index] = try score(context + continuation, from: context.count - 1)
            }
        }
        return results
    }
}
