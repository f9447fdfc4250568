import LanguageModel

/// The evaluation state of one conversation with a model: the KV cache with the tokens it holds, the
/// scratch buffers, and the thread pool. Not thread-safe: use one session from one thread at a time
/// (`EmbeddedLanguageModel` runs its session on a dedicated worker thread).
///
/// The cache always holds a prefix of the last evaluated sequence; a new sequence reuses the longest
/// common prefix and evaluates only the rest (prefix reuse), in batches of up to `batchCapacity`.
public final class InferenceSession {
    public let model: TransformerModel
    public let pool: ThreadPool
    /// Positions the session can hold.
    public let contextLength: Int
    let cache: KVCache
    let buffers: ForwardBuffers
    /// RoPE angles of the global layers.
    let rope: RopeTable
    /// RoPE angles of the local (sliding-window) layers, whose base differs (Gemma 3); else `rope`.
    let localRope: RopeTable
    /// Tokens whose keys and values are in the cache: position i holds `tokens[i]`.
    public private(set) var tokens: [Int32] = []
    /// scores[i] = the score of `tokens[i + 1]` after `tokens[...i]`, where it was computed.
    var nextTokenScores: [TokenScore?] = []
    /// Checked between batches and between generated tokens; set to stop work with `.cancelled`.
    public var cancellation: CancellationFlag?
    /// Computes every matmul with the plain scalar reference (f32 activations, no quantization) and
    /// keeps keys, values and attention in full Float precision: the exact-arithmetic model, for tests.
    public var usesReferenceArithmetic = false
    /// Every token's bytes, built on the first grammar-constrained generation and kept.
    var tokenPieces: TokenPieces?

    /// - Parameters:
    ///   - contextLength: positions of the KV cache (default 2048, at most the model's trained length
    ///     is not enforced: RoPE extrapolates as llama.cpp does).
    ///   - batchCapacity: most tokens evaluated in one forward pass (longer inputs are split).
    public init(model: TransformerModel, pool: ThreadPool, contextLength: Int = 2048, batchCapacity: Int = 512) {
        self.model = model
        self.pool = pool
        self.contextLength = max(1, contextLength)
        let config = model.config
        cache = KVCache(layerCount: config.layerCount, capacity: self.contextLength, kvDim: config.kvDim)
        buffers = ForwardBuffers(config: config, batchCapacity: max(1, batchCapacity), logitCapacity: 32,
                                 contextLength: self.contextLength, threads: pool.threadCount)
        rope = RopeTable(dimensions: config.ropeDimensions, positions: self.contextLength,
                         base: config.ropeFreqBase, freqScale: config.ropeFreqScale, factors: model.weights.ropeFactors)
        localRope = config.features.slidingWindow == 0 ? rope
            : RopeTable(dimensions: config.ropeDimensions, positions: self.contextLength,
                        base: config.features.localRopeFreqBase, freqScale: 1)
    }

    /// Forgets cached positions from `count` on.
    public func truncate(to count: Int) {
        let keep = max(0, min(count, tokens.count))
        tokens.removeLast(tokens.count - keep)
        nextTokenScores.removeLast(nextTokenScores.count - keep)
    }

    /// Forgets everything (the next evaluation starts from position 0).
    public func reset() { truncate(to: 0) }

    func checkCancelled() throws(LanguageModelError) {
        if let cancellation, cancellation.isCancelled { throw .cancelled }
    }

    func checkTokens<C: Collection<Int32>>(_ sequence: C) throws(LanguageModelError) {
        let vocab = model.config.vocabularySize
        for token in sequence where token < 0 || Int(token) >= vocab {
            throw .failed("token id \(token) is outside the vocabulary of \(vocab)")
        }
    }

    /// Appends `sequence` after the cached tokens (no prefix matching), evaluating in batches. For each
    /// index `i` of `sequence` with `i >= logitsFrom`, `body(i, logits)` gets the (vocab) logits at that
    /// position, in order. Positions before `logitsFrom` cost no output projection.
    public func append(_ sequence: ArraySlice<Int32>, logitsFrom: Int,
                       _ body: (Int, UnsafePointer<Float>) -> Void) throws(LanguageModelError) {
        guard !sequence.isEmpty else { return }
        try checkTokens(sequence)
        let needed = tokens.count + sequence.count
        guard needed <= contextLength else { throw .contextOverflow(needed: needed, limit: contextLength) }
        var offset = 0
        while offset < sequence.count {
            try checkCancelled()
            let n = min(buffers.batchCapacity, sequence.count - offset)
            let start = sequence.startIndex + offset
            let firstLogit = max(0, logitsFrom - offset)
            let batch = sequence[start..<(start + n)]
            let p0 = tokens.count
            tokens.append(contentsOf: batch)
            nextTokenScores.append(contentsOf: repeatElement(nil, count: n))
            // Every logits row is checked before anyone reads it (cheap beside the output projection):
            // a damaged file gives NaN scores and samplers that index nothing, never a result.
            var damaged: Int?
            let vocab = model.config.vocabularySize
            batch.withUnsafeBufferPointer { pointer in
                forward(pointer, start: p0, logitsFrom: min(firstLogit, n)) { row, logits in
                    guard damaged == nil else { return }
                    guard VectorMath.allFinite(logits, count: vocab) else { damaged = p0 + row; return }
                    body(offset + row, logits)
                }
            }
            if let damaged {
                truncate(to: p0)
                throw .failed(InferenceError.damagedModel(path: model.path, position: damaged).description)
            }
            offset += n
        }
    }
}
