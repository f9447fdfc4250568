/// The scratch memory of the forward pass, allocated once per session so that evaluating tokens
/// allocates nothing. Rows are tokens of the current batch (at most `batchCapacity`).
final class ForwardBuffers {
    let batchCapacity: Int
    /// Most rows of logits computed in one output matmul.
    let logitCapacity: Int
    /// (batch, dim) the residual stream.
    let x: UnsafeMutablePointer<Float>
    /// (batch, dim) normed input of a sublayer, then a sublayer's output.
    let xb: UnsafeMutablePointer<Float>
    /// (batch, qDim) attention output before the output projection.
    let attentionOut: UnsafeMutablePointer<Float>
    /// (batch, qDim) queries, all heads.
    let q: UnsafeMutablePointer<Float>
    /// (batch, kvDim) the batch's keys and values, stored into each row's sequence cache (ForwardRows).
    let k: UnsafeMutablePointer<Float>
    let v: UnsafeMutablePointer<Float>
    /// (batch, ffnDim) gate projection, then silu(gate) · up.
    let gate: UnsafeMutablePointer<Float>
    /// (batch, ffnDim) up projection.
    let up: UnsafeMutablePointer<Float>
    /// (logitCapacity, dim) final-normed rows whose logits are wanted.
    let logitInput: UnsafeMutablePointer<Float>
    /// (logitCapacity, vocab)
    let logits: UnsafeMutablePointer<Float>
    /// (threads, groupSize, contextLength) attention scores of one (token, key/value head) per thread:
    /// a row per query head of the group.
    let scores: UnsafeMutablePointer<Float>
    let scoresStride: Int
    /// xb quantized to 8 bits once for the matmuls that read it (Q, K, V; gate, up; the output).
    let quantizedDim: QuantizedActivations
    /// attentionOut quantized for the output projection.
    let quantizedAttention: QuantizedActivations
    /// silu(gate) ⊙ up quantized for the down projection.
    let quantizedFFN: QuantizedActivations

    init(config: TransformerConfig, batchCapacity: Int, logitCapacity: Int, contextLength: Int, threads: Int) {
        self.batchCapacity = batchCapacity
        self.logitCapacity = logitCapacity
        x = .allocate(capacity: batchCapacity * config.dim)
        xb = .allocate(capacity: batchCapacity * config.dim)
        attentionOut = .allocate(capacity: batchCapacity * config.qDim)
        q = .allocate(capacity: batchCapacity * config.qDim)
        k = .allocate(capacity: batchCapacity * config.kvDim)
        v = .allocate(capacity: batchCapacity * config.kvDim)
        gate = .allocate(capacity: batchCapacity * config.ffnDim)
        up = .allocate(capacity: batchCapacity * config.ffnDim)
        logitInput = .allocate(capacity: logitCapacity * config.dim)
        logits = .allocate(capacity: logitCapacity * config.vocabularySize)
        scoresStride = (contextLength + 15) & ~15
        scores = .allocate(capacity: threads * config.groupSize * scoresStride)
        quantizedDim = QuantizedActivations(cols: config.dim, capacity: max(batchCapacity, logitCapacity))
        quantizedAttention = QuantizedActivations(cols: config.qDim, capacity: batchCapacity)
        quantizedFFN = QuantizedActivations(cols: config.ffnDim, capacity: batchCapacity)
    }

    deinit {
        for buffer in [x, xb, attentionOut, q, k, v, gate, up, logitInput, logits, scores] {
            buffer.deallocate()
        }
    }
}
