/// The pre-norm transformer of the llama, qwen2 and qwen3 families, top to bottom, as llama.cpp's
/// src/models/llama.cpp, qwen2.cpp and qwen3.cpp build it. For a batch of n token rows, each at its
/// position in its sequence (ForwardRows: one sequence's chunk, or one token of each of several):
///
///     x = embed(tokens)                                                    (n, dim)
///     for each layer:
///         xb = rmsnorm(x) · attn_norm                                      (n, dim)
///         q = xb·Wqᵀ (n, qDim);  k = xb·Wkᵀ, v = xb·Wvᵀ → cache            (n, kvDim)
///             qwen2: + bq, bk, bv
///             qwen3: q, k = rmsnorm of each head · attn_q_norm, attn_k_norm
///         rope(q), rope(k)    llama: adjacent pairs, angles ÷ rope_freqs (Llama 3); qwen: halves (NEOX)
///         a = softmax(q·kᵀ/√headDim, causal) · v   grouped-query            (n, qDim)
///         x += a·Woᵀ
///         xb = rmsnorm(x) · ffn_norm
///         x += (silu(xb·Wgateᵀ) ⊙ xb·Wupᵀ)·Wdownᵀ                           (n, ffnDim) → (n, dim)
///     logits = (rmsnorm(x) · output_norm)·Woutᵀ  only for the rows asked for     (rows, vocab)
///
/// Wout is `output.weight`, or the token embedding where the model ties them (SmolLM2, Qwen 2.5 small).
extension InferenceSession {
    func forwardLlama(_ batch: UnsafeBufferPointer<Int32>, rows: ForwardRows, logitsFrom: Int,
                      _ body: (Int, UnsafePointer<Float>) -> Void) {
        embed(batch)
        for (l, layer) in model.weights.layers.enumerated() {
            selfAttention(layer: l, layer, rows: rows)
            residual("ffn_inp", layer: l, count: batch.count)
            feedForward(layer: l, layer, rows: rows)
            residual("l_out", layer: l, count: batch.count)
        }
        outputLogits(rows: rows, from: logitsFrom, body)
    }
}
