import LanguageModel

/// The evaluation state of a model: its primary sequence (the KV cache with the tokens it holds), the
/// scratch buffers, and the thread pool. Not thread-safe: use one session from one thread at a time
/// (`EmbeddedLanguageModel` runs its session on a dedicated worker thread).
///
/// The primary sequence always holds a prefix of the last evaluated sequence; a new sequence reuses the
/// longest common prefix and evaluates only the rest (prefix reuse), in batches of up to `batchCapacity`.
/// More sequences (`makeSequence`) are evaluated by the same forward pass, alone (`append(_:to:…)`) or
/// one token each in a decode step (`decode`): continuous batching (GenerationBatch).
public final class InferenceSession {
    public let model: TransformerModel
    public let pool: ThreadPool
    /// Positions the session can hold.
    public let contextLength: Int
    /// The sequence of `append`, `score` and `generate`.
    var primary: InferenceSequence
    let buffers: ForwardBuffers
    /// RoPE angles of the global layers.
    let rope: RopeTable
    /// RoPE angles of the local (sliding-window) layers, whose base differs (Gemma 3); else `rope`.
    let localRope: RopeTable
    /// Tokens whose keys and values are in the primary sequence's cache: position i holds `tokens[i]`.
    public var tokens: [Int32] { primary.tokens }
    /// Tokens run through the forward pass since the session was made (prefix reuse shows as fewer).
    public internal(set) var evaluatedTokenCount = 0
    /// Sequences `score` evaluated before the primary one, least recently used first, each with its
    /// scores (`choosePrimary`).
    var spareSequences: [InferenceSequence] = []
    /// Most spare sequences kept: a V-Score's two contexts, and one more.
    static let spareSequenceCount = 3
    /// Checked between batches and between generated tokens; set to stop work with `.cancelled`.
    public var cancellation: CancellationFlag?
    /// Computes every matmul with the plain scalar reference (f32 activations, no quantization) and
    /// keeps keys, values and attention in full Float precision: the exact-arithmetic model, for tests.
    public var usesReferenceArithmetic = false
    /// Scores every sequence by evaluating it whole from position 0, as llama.cpp's reference does
    /// (`vscore_reference.py`: reset, then one evaluation of context and D), instead of after the
    /// cached prefix it shares with the last one. On by default where the weights' numbers depend
    /// on the batching (`TransformerWeights.numbersDependOnBatching`, the K-quants): there, scoring D
    /// after a cached context moves single log-probabilities by up to 0.24 nats on Gemma 3 270M
    /// (llama.cpp itself moves the same way), so V-Scores could not match llama.cpp's. Off where the
    /// numbers are the same either way, which keeps prefix reuse's speed.
    public var scoresWholeSequences: Bool
    /// Whether the weights' numbers depend on how tokens are batched beyond a row being alone or
    /// among others (`TransformerWeights.numbersDependOnBatching`, the K-quants). Where they do not,
    /// any split into batches of two or more tokens gives one batch's numbers bitwise
    /// (BatchInvarianceTests), so `append` never leaves a row alone and generations fork any
    /// cached prompt prefix (GenerationBatch).
    public let numbersDependOnBatching: Bool
    /// Every token's bytes, built on the first grammar-constrained generation and kept.
    var tokenPieces: TokenPieces?

    /// - Parameters:
    ///   - contextLength: positions of the KV cache (default 2048, at most the model's trained length
    ///     is not enforced: RoPE extrapolates as llama.cpp does).
    ///   - batchCapacity: most tokens evaluated in one forward pass (longer inputs are split); a multiple
    ///     of `InferenceSequence.reuseBlock`, as the default, keeps generations' numbers on K-quant files
    ///     independent of forks.
    public init(model: TransformerModel, pool: ThreadPool, contextLength: Int = 2048, batchCapacity: Int = 512) {
        self.model = model
        self.pool = pool
        self.contextLength = max(1, contextLength)
        numbersDependOnBatching = model.weights.numbersDependOnBatching
        scoresWholeSequences = numbersDependOnBatching
        let config = model.config
        primary = InferenceSequence(layerCount: config.layerCount, capacity: self.contextLength, kvDim: config.kvDim)
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
        primary.truncate(to: count)
    }

    /// A new empty sequence of `contextLength` positions (its memory is touched as it fills).
    public func makeSequence() -> InferenceSequence {
        let config = model.config
        return InferenceSequence(layerCount: config.layerCount, capacity: contextLength, kvDim: config.kvDim)
    }

    /// Where to start evaluating `count` tokens whose first `common` are cached already: after the
    /// shared prefix, but never with one token left alone when there is a prefix, since one token is
    /// evaluated in llama.cpp's decode order (vs_attention_rows) where a fresh evaluation of the whole
    /// sequence takes its batch order.
    static func restartPoint(common: Int, count: Int) -> Int {
        let restart = min(common, count - 1)
        return count - restart == 1 && restart > 0 ? restart - 1 : restart
    }

    /// Forgets everything (the next evaluation starts from position 0).
    public func reset() {
        truncate(to: 0)
        spareSequences.removeAll()
    }

    func checkCancelled() throws(LanguageModelError) {
        if let cancellation, cancellation.isCancelled { throw .cancelled }
    }

    func checkTokens<C: Collection<Int32>>(_ sequence: C) throws(LanguageModelError) {
        let vocab = model.config.vocabularySize
        for token in sequence where token < 0 || Int(token) >= vocab {
            throw .failed("token id \(token) is outside the vocabulary of \(vocab)")
        }
    }

    /// Appends `sequence` after the primary sequence's cached tokens (no prefix matching), evaluating
    /// in batches. For each index `i` of `sequence` with `i >= logitsFrom`, `body(i, logits)` gets the
    /// (vocab) logits at that position, in order. Positions before `logitsFrom` cost no output projection.
    public func append(_ sequence: ArraySlice<Int32>, logitsFrom: Int,
                       _ body: (Int, UnsafePointer<Float>) -> Void) throws(LanguageModelError) {
        primary.nextTokenScores.append(contentsOf: repeatElement([], count: sequence.count))
        // (A failed batch leaves no scores past the tokens it kept.)
        defer { primary.nextTokenScores.removeLast(primary.nextTokenScores.count - primary.tokens.count) }
        try append(sequence, to: primary, logitsFrom: logitsFrom, body)
    }

    /// Appends `tokens` after `sequence`'s cached tokens as that sequence alone would evaluate them
    /// (batches of up to `batchCapacity`, each one forward pass; unless `numbersDependOnBatching`, the
    /// last two share their rows so that none is left alone), calling `body(i, logits)` for indices
    /// `i >= logitsFrom` of `tokens` in order. On an error the sequence keeps the batches before the failed one.
    public func append(_ tokens: ArraySlice<Int32>, to sequence: InferenceSequence, logitsFrom: Int,
                       _ body: (Int, UnsafePointer<Float>) -> Void) throws(LanguageModelError) {
        guard !tokens.isEmpty else { return }
        try checkTokens(tokens)
        let needed = sequence.tokens.count + tokens.count
        guard needed <= sequence.capacity else { throw .contextOverflow(needed: needed, limit: sequence.capacity) }
        var offset = 0
        while offset < tokens.count {
            try checkCancelled()
            var n = min(buffers.batchCapacity, tokens.count - offset)
            // A row alone takes one-token arithmetic (attention in llama.cpp's decode order), which
            // would make its numbers depend on where the batches broke.
            if !numbersDependOnBatching, n > 2, tokens.count - offset - n == 1 { n -= 1 }
            let start = tokens.startIndex + offset
            let batch = tokens[start..<(start + n)]
            let firstLogit = min(max(0, logitsFrom - offset), n)
            try evaluate(batch, rows: ForwardRows(sequence, count: n), logitsFrom: firstLogit) { row, logits in
                body(offset + row, logits)
            }
            sequence.tokens.append(contentsOf: batch)
            offset += n
        }
    }

    /// One decode step of several sequences: `tokens[i]` is appended to `sequences[i]` (distinct
    /// sequences, at most `batchCapacity`), all in one forward pass, each row with the arithmetic of a
    /// one-token batch (ForwardRows), and `body(i, logits)` gets each row's logits in order. A sequence's
    /// numbers are bitwise those of appending its token alone.
    public func decode(_ tokens: [Int32], into sequences: [InferenceSequence],
                       _ body: (Int, UnsafePointer<Float>) -> Void) throws(LanguageModelError) {
        precondition(tokens.count == sequences.count && tokens.count <= buffers.batchCapacity,
                     "decode: \(tokens.count) tokens for \(sequences.count) sequences (capacity \(buffers.batchCapacity))")
        guard !tokens.isEmpty else { return }
        try checkTokens(tokens)
        for sequence in sequences where sequence.tokens.count >= sequence.capacity {
            throw .contextOverflow(needed: sequence.tokens.count + 1, limit: sequence.capacity)
        }
        try evaluate(tokens[...], rows: ForwardRows(decoding: sequences), logitsFrom: 0, body)
        for (sequence, token) in zip(sequences, tokens) { sequence.tokens.append(token) }
    }

    /// One forward pass of `batch` over `rows`. Every logits row is checked before anyone reads it (cheap
    /// beside the output projection): a damaged file gives an error naming the position, never NaN
    /// scores or samplers that index nothing.
    private func evaluate(_ batch: ArraySlice<Int32>, rows: ForwardRows, logitsFrom: Int,
                          _ body: (Int, UnsafePointer<Float>) -> Void) throws(LanguageModelError) {
        var damaged: Int?
        let vocab = model.config.vocabularySize
        batch.withUnsafeBufferPointer { pointer in
            forward(pointer, rows: rows, logitsFrom: logitsFrom) { row, logits in
                guard damaged == nil else { return }
                guard VectorMath.allFinite(logits, count: vocab) else { damaged = rows.position(row); return }
                body(row, logits)
            }
        }
        if let damaged {
            throw .failed(InferenceError.damagedModel(path: model.path, position: damaged).description)
        }
    }
}
