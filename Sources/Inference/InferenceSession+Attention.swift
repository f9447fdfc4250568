extension InferenceSession {
    /// Causal grouped-query attention of the batch's n tokens (positions p0 ..< p0+n) over the cached
    /// keys and values of positions 0 ... p0+t:
    ///
    ///     attentionOut[t, head h] = Σ_j softmax_j(q[t,h]·k[j,h/group] / √headDim) · v[j,h/group]
    ///
    /// A batch of one token (a decode step) sums in llama.cpp's decode order, any other in its batch
    /// order (see vs_attention_row), so either way the numbers are llama.cpp's.
    /// One work item is one (token, head); items are ordered so that each thread's share mixes short
    /// (early) and long (late) rows of the causal triangle.
    func attention(layer: Int, start p0: Int, count n: Int) {
        let config = model.config
        let heads = config.headCount, headDim = config.headDim, group = config.groupSize
        let dim = config.dim, kvDim = config.kvDim
        let scale = 1 / Float(headDim).squareRoot()
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
                let query = q + t * dim + head * headDim
                let output = out + t * dim + head * headDim
                if reference {
                    AttentionKernel.rowReference(query: query, keys: keys + kvOffset, values: values + kvOffset,
                                                 stride: kvDim, length: p0 + t + 1, headDim: headDim, scale: scale,
                                                 roundProbabilities: false, out: output)
                } else {
                    AttentionKernel.row(query: query, keys: keys + kvOffset, values: values + kvOffset,
                                        stride: kvDim, length: p0 + t + 1, headDim: headDim, scale: scale,
                                        roundProbabilities: true, singleQuery: n == 1, scores: scores, out: output)
                }
            }
        }
    }
}
