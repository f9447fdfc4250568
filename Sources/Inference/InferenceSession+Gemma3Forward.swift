/// Gemma 3, top to bottom, as llama.cpp's src/models/gemma3.cpp builds it. For a batch of n token rows,
/// each at its position in its sequence (ForwardRows):
///
///     x = embed(tokens) · √dim                                               (n, dim)
///     for each layer (local: a sliding window and the local RoPE base; global: each sixth):
///         xb = rmsnorm(x) · attn_norm                                        (n, dim)
///         q = xb·Wqᵀ (n, qDim);  k = xb·Wkᵀ, v = xb·Wvᵀ → cache              (n, kvDim)
///         q, k = rmsnorm of each head · attn_q_norm, attn_k_norm
///         rope(q), rope(k)                 halves (NEOX), the layer's base
///         q ·= 1/√headDim
///         a = softmax(q·kᵀ, causal; local: keys within the window) · v       (n, qDim)
///         x += rmsnorm(a·Woᵀ) · post_attention_norm                          ("sa_out")
///         xb = rmsnorm(x) · ffn_norm
///         x += rmsnorm((gelu(xb·Wgateᵀ) ⊙ xb·Wupᵀ)·Wdownᵀ) · post_ffw_norm     GELU: tanh form, F16 table
///     logits = (rmsnorm(x) · output_norm)·Woutᵀ, soft-capped when the file sets final_logit_softcapping
///
/// Wout is the token embedding (Gemma ties them). The prompt should start with BOS (`<bos>`): the
/// model was trained so and is far worse without it.
extension InferenceSession {
    func forwardGemma3(_ batch: UnsafeBufferPointer<Int32>, rows: ForwardRows, logitsFrom: Int,
                       _ body: (Int, UnsafePointer<Float>) -> Void) {
        let n = batch.count
        embed(batch)
        for (l, layer) in model.weights.layers.enumerated() {
            selfAttention(layer: l, layer, rows: rows)
            residual(postNorm: layer.attentionPostNorm, postNormName: "attn_post_norm", "sa_out", layer: l, count: n)
            feedForward(layer: l, layer, rows: rows)
            residual(postNorm: layer.ffnPostNorm, postNormName: "ffn_post_norm", "l_out", layer: l, count: n)
        }
        outputLogits(rows: rows, from: logitsFrom, body)
    }
}
