import LanguageModel

extension InferenceSession {
    /// Scores the tokens of `sequence` from index `from + 1` on: element i of the result is the score of
    /// `sequence[from + 1 + i]` given `sequence[...from + i]`. `branches[p]`: other tokens to score
    /// after `sequence[...p]` if that row is evaluated, for sequences scored next that part from this
    /// one there (`score(context:continuations:)`).
    ///
    /// Prefix reuse: the longest common prefix with the cached tokens is not evaluated again, and scores
    /// computed earlier for positions inside that prefix are reused, so scoring continuations one after
    /// another after the same context costs only each continuation's new tokens, and the last token's
    /// row is not evaluated, since its logits score nothing. Not with `scoresWholeSequences`: then every
    /// sequence is evaluated whole, from position 0, as llama.cpp's reference evaluates it.
    public func score(_ sequence: [Int32], from: Int, branches: [Int: [Int32]] = [:]) throws(LanguageModelError) -> [TokenScore] {
        let first = max(0, from)
        guard sequence.count >= 2, first < sequence.count - 1 else { return [] }
        guard sequence.count <= contextLength else {
            throw .contextOverflow(needed: sequence.count, limit: contextLength)
        }
        try checkTokens(sequence)
        choosePrimary(for: sequence)
        let common = scoresWholeSequences ? 0 : primary.commonPrefix(with: sequence)
        // Positions p in first ..< sequence.count-1 need a score for sequence[p+1]. One is stored where
        // the row was evaluated after the same tokens (p inside the common prefix) and scored that
        // token: the token that followed then, or a branch of that call. A cut leaves the score of the
        // token cut off at the position before the cut, and a later sequence may put another token
        // there, so the lookup is by token. Evaluation restarts at the first position without one (or
        // where the sequences part, if earlier), keeping the cache before it.
        var firstMissing: Int?
        for p in first..<(sequence.count - 1) where p >= common || primary.storedScore(at: p, of: sequence[p + 1]) == nil {
            firstMissing = p
            break
        }
        if let firstMissing {
            let restart = min(common, firstMissing)
            // The last token's row scores nothing, but scoring is compared with llama.cpp evaluating
            // whole sequences: never one row alone (one-token arithmetic), so then it comes along.
            let end = !scoresWholeSequences && sequence.count - 1 - restart >= 2 ? sequence.count - 1 : sequence.count
            let logitsFrom = branches.keys.filter { $0 >= restart && $0 < firstMissing }.min() ?? firstMissing
            truncate(to: restart)
            let vocab = model.config.vocabularySize
            try append(sequence[restart..<end], logitsFrom: logitsFrom - restart) { index, logits in
                let position = restart + index
                guard position + 1 < sequence.count else { return }
                primary.nextTokenScores[position] = TokenScore.scores(logits: logits, vocabularySize: vocab,
                                                                      tokens: [sequence[position + 1]] + (branches[position] ?? []))
            }
        }
        var result: [TokenScore] = []
        result.reserveCapacity(sequence.count - 1 - first)
        for p in first..<(sequence.count - 1) {
            guard let score = primary.storedScore(at: p, of: sequence[p + 1]) else {
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
        let spareCommons = spareSequences.map { $0.commonPrefix(with: sequence) }
        if let best = spareCommons.indices.max(by: { spareCommons[$0] < spareCommons[$1] }), spareCommons[best] > common {
            let spare = spareSequences.remove(at: best)
            spareSequences.append(primary)
            primary = spare
        } else if common * 2 < primary.tokens.count {
            // The shared prefix (and its scores) is copied, not evaluated again.
            let next = spareSequences.count >= Self.spareSequenceCount ? spareSequences.removeFirst() : makeSequence()
            next.fork(common, of: primary)
            spareSequences.append(primary)
            primary = next
        }
    }

    /// Scores each continuation after `context` (token ids), sharing the context's computation and the
    /// leading tokens that continuations have in common: continuations are evaluated in sorted order so
    /// that neighbours share the longest prefixes, and where a later one parts from the one being
    /// evaluated, its token there is scored from the same row (so the labels of one input cost only
    /// their own tokens' rows). Results are in the order given. `wholeSequences` overrides
    /// `scoresWholeSequences` for this call (nil: the session's setting).
    public func score(context: [Int32], continuations: [[Int32]],
                      wholeSequences: Bool? = nil) throws(LanguageModelError) -> [[TokenScore]] {
        let setting = scoresWholeSequences
        scoresWholeSequences = wholeSequences ?? setting
        defer { scoresWholeSequences = setting }
        let order = continuations.indices.filter { !continuations[$0].isEmpty }
            .sorted { continuations[$0].lexicographicallyPrecedes(continuations[$1]) }
        let sequences = order.map { context + continuations[$0] }
        let shared = zip(sequences, sequences.dropFirst()).map { a, b in zip(a, b).prefix { $0 == $1 }.count }
        var results = [[TokenScore]](repeating: [], count: continuations.count)
        for (k, sequence) in sequences.enumerated() {
            let branches = scoresWholeSequences ? [:] : Self.branches(after: k, in: sequences, shared: shared)
            // No context: the first token has no prediction; score from the second on.
            results[order[k]] = try score(sequence, from: context.isEmpty ? 0 : context.count - 1, branches: branches)
        }
        return results
    }

    /// Where the sorted `sequences` after the k-th part from it: row p → the tokens they put after
    /// position p, for rows the k-th evaluates (not its last one, nor before its first token).
    /// `shared[i]` is the common prefix of sequences i and i + 1, so that of k and a later j is the
    /// least of `shared[k..<j]`.
    static func branches(after k: Int, in sequences: [[Int32]], shared: [Int]) -> [Int: [Int32]] {
        var branches: [Int: [Int32]] = [:]
        var common = Int.max
        for j in (k + 1)..<max(k + 1, sequences.count) {
            common = min(common, shared[j - 1])
            guard common > 0 else { break }
            guard common < sequences[k].count, common < sequences[j].count else { continue }
            if !(branches[common - 1]?.contains(sequences[j][common]) ?? false) {
                branches[common - 1, default: []].append(sequences[j][common])
            }
        }
        return branches
    }
}
