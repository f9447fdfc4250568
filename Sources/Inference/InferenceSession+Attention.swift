extension InferenceSession {
    /// Causal grouped-query attention of the batch's n tokens (positions p0 ..< p0+n) over the cached
    /// keys and values of positions 0 ... p0+t:
    ///
    ///     attentionOut[t, head h] = Σ_j softmax_j(q[t,h]·k[j,h/group] · scale) · v[j,h/group]
    ///
    /// `scale` is 1/√headDim, or 1 where the queries were scaled before (Gemma 3). With a `window`
    /// (> 0), the query at position i sees only keys j with i − j < window (a local layer).
    /// A batch of one token (a decode step) sums in llama.cpp's decode order, any other in its batch
    /// order (see vs_attention_row), so either way the numbers are llama.cpp's.
    /// One work item is one (token, head); items are ordered so that each thread's share mixes short
    /// (early) and long (late) rows of the causal triangle.
    func attention(layer: Int, start p0: Int, count n: Int, scale: Float, window: Int) {
        let config = model.config
        let heads = config.headCount, headDim = config.headDim, group = config.groupSize
        let qDim = config.qDim, kvDim = config.kvDim
        let keys = cache.keys(layer: layer, position: 0)
        let values = cache.values(layer: layer, position: 0)
        let q = buffers.q, out = buffers.attentionOut
        let scratch = buffers.scores, stride = buffers.scoresStride
        let reference = usesReferenceArithmetic
        pool.parallelFor(n * heads) { begin, end, thread in
            let scores = scratch + thread * stride
            for item in begin..<end {
                let head = item % heads
                let slot = item / heads
                let t = slot & 1 == 0 ? slot / 2 : n - 1 - slot / 2
                let kvOffset = (head / group) * headDim
                let query = q + t * qDim + head * headDim
                let output = out + t * qDim + head * headDim
                let first = window > 0 ? max(0, p0 + t - window + 1) : 0
                if reference {
                    AttentionKernel.rowReference(query: query, keys: keys + kvOffset, values: values + kvOffset,
                                                 stride: kvDim, first: first, length: p0 + t + 1, headDim: headDim, scale: scale,
                                                 roundProbabilities: false, out: output)
                } else {
                    AttentionKernel.row(query: query, keys: keys + kvOffset, values: values + kvOffset,
                                        stride: kvDim, first: first, length: p0 + t + 1, headDim: headDim, scale: scale,
                                        roundProbabilities: true, singleQuery: n == 1, scores: scores, out: output)
                }
            }
        }
    }
}
