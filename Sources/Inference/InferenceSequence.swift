/// One sequence's evaluation state: its KV cache and the tokens whose keys and values the cache holds
/// (position i holds `tokens[i]`). A session evaluates one sequence at a time (`InferenceSession.append`)
/// or several together, one token each (`InferenceSession.decode`). Touched only by the thread that
/// runs the session.
public final class InferenceSequence {
    let cache: KVCache
    /// Tokens whose keys and values are in the cache.
    public internal(set) var tokens: [Int32] = []
    /// Leading positions another prompt may fork: prompt rows evaluated in batches of two or more,
    /// never decoded rows; on K-quant files, whole `reuseBlock`s evaluated in chunks that start on a
    /// block boundary, never a prompt's last, partial block (`GenerationBatch`). Their bits are a
    /// function of the tokens alone.
    var reusable = 0
    /// nextTokenScores[i]: the scores `InferenceSession.score` computed after `tokens[...i]`: of the
    /// token that followed there when that row was evaluated, and of the other tokens that
    /// continuations scored in the same call put there (`score(context:continuations:)`'s branch
    /// points); empty where none was. Looked up by token (`storedScore`): the token that followed
    /// may since have been cut and another put in its place. Never longer than `tokens`.
    var nextTokenScores: [[TokenScore]] = []

    /// The granularity of prefix reuse between generations on K-quant files
    /// (`InferenceSession.numbersDependOnBatching`; elsewhere any prompt row is forked). A decoded row (one-token arithmetic and
    /// attention order) and a prompt's last rows (evaluated in a chunk whose size, and so whose
    /// matmul routine, depends on where evaluation started) differ in their low bits from the same
    /// rows evaluated inside a longer prompt. Forking only whole blocks evaluated in chunks that
    /// start and end on block boundaries makes a prompt's numbers independent of which cached
    /// sequence it forked, and so a seed's text independent of what else ran (issue 14): every
    /// chunk is then ≥ 64 rows in whole groups of 4, where each row's matmul and attention
    /// arithmetic is that of any other such chunk. The cost is at most a block of re-evaluation.
    public static let reuseBlock = 64

    /// The last block boundary before a prompt's final token: the prompt's rows from here on are
    /// always evaluated as one chunk of their own, whatever was forked.
    public static func tailStart(ofPrompt count: Int) -> Int {
        max(0, count - 1) / reuseBlock * reuseBlock
    }

    /// An empty sequence with room for `capacity` positions.
    init(layerCount: Int, capacity: Int, kvDim: Int) {
        cache = KVCache(layerCount: layerCount, capacity: capacity, kvDim: kvDim)
    }

    /// Positions the sequence can hold.
    public var capacity: Int { cache.capacity }

    /// Forgets positions from `count` on.
    func truncate(to count: Int) {
        tokens.removeLast(tokens.count - max(0, min(count, tokens.count)))
        reusable = min(reusable, tokens.count)
        nextTokenScores.removeLast(max(0, nextTokenScores.count - tokens.count))
    }

    /// Starts this (empty or stale) sequence as the first `count` positions of `source`.
    func fork(_ count: Int, of source: InferenceSequence) {
        precondition(count <= source.tokens.count, "fork: \(count) positions of a sequence of \(source.tokens.count)")
        cache.copyPrefix(count, from: source.cache)
        tokens = Array(source.tokens.prefix(count))
        reusable = min(count, source.reusable)
        nextTokenScores = Array(source.nextTokenScores.prefix(count))
    }

    /// The stored score of `token` after `tokens[...position]`, if one was computed.
    func storedScore(at position: Int, of token: Int32) -> TokenScore? {
        guard position < nextTokenScores.count else { return nil }
        return nextTokenScores[position].first { $0.token == token }
    }

    /// Tokens at the start of `tokens` that this sequence holds too.
    func commonPrefix<C: Collection<Int32>>(with other: C) -> Int {
        var common = 0
        for (a, b) in zip(tokens, other) {
            guard a == b else { break }
            common += 1
        }
        return common
    }
}
