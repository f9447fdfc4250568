/// One sequence's evaluation state: its KV cache and the tokens whose keys and values the cache holds
/// (position i holds `tokens[i]`). A session evaluates one sequence at a time (`InferenceSession.append`)
/// or several together, one token each (`InferenceSession.decode`). Touched only by the thread that
/// runs the session.
public final class InferenceSequence {
    let cache: KVCache
    /// Tokens whose keys and values are in the cache.
    public internal(set) var tokens: [Int32] = []

    /// An empty sequence with room for `capacity` positions.
    init(layerCount: Int, capacity: Int, kvDim: Int) {
        cache = KVCache(layerCount: layerCount, capacity: capacity, kvDim: kvDim)
    }

    /// Positions the sequence can hold.
    public var capacity: Int { cache.capacity }

    /// Forgets positions from `count` on.
    func truncate(to count: Int) {
        tokens.removeLast(tokens.count - max(0, min(count, tokens.count)))
    }

    /// Starts this (empty or stale) sequence as the first `count` positions of `source`.
    func fork(_ count: Int, of source: InferenceSequence) {
        precondition(count <= source.tokens.count, "fork: \(count) positions of a sequence of \(source.tokens.count)")
        cache.copyPrefix(count, from: source.cache)
        tokens = Array(source.tokens.prefix(count))
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
