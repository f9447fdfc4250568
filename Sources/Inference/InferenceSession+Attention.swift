extension InferenceSession {
    /// Causal grouped-query attention of each of the batch's rows over its own sequence's cached keys
    /// and values, positions 0 ... the row's position p:
    ///
    ///     attentionOut[t, head h] = Σ_j softmax_j(q[t,h]·k[j,h/group] · scale) · v[j,h/group]
    ///
    /// `scale` is 1/√headDim, or 1 where the queries were scaled before (Gemma 3). With a `window`
    /// (> 0), the query at position p sees only keys j with p − j < window (a local layer).
    /// A sequence contributing one token (a decode step) sums in llama.cpp's decode order, one with more
    /// in its batch order (see vs_attention_rows), so either way the numbers are llama.cpp's and do not
    /// depend on the other sequences of the batch.
    /// One work item is one (row, key/value head): the `group` query heads that share the key/value
    /// head go together, so its keys and values are read once for them; a batch too small to give
    /// every thread two items (a decode step of Gemma 3, one key/value head) splits the group. Items are
    /// ordered so that each thread's share mixes short (early) and long (late) rows of the causal triangle.
    func attention(layer: Int, rows: ForwardRows, scale: Float, window: Int) {
        let config = model.config
        let kvHeads = config.kvHeadCount, headDim = config.headDim, group = config.groupSize
        let qDim = config.qDim, kvDim = config.kvDim
        let q = buffers.q, out = buffers.attentionOut
        let scratch = buffers.scores, stride = buffers.scoresStride
        let reference = usesReferenceArithmetic
        let n = rows.count
        var perItem = group
        while perItem > 1 && n * kvHeads * ((group + perItem - 1) / perItem) < 2 * pool.threadCount { perItem = (perItem + 1) / 2 }
        let parts = (group + perItem - 1) / perItem, itemHeads = perItem
        pool.parallelFor(n * kvHeads * parts) { begin, end, thread in
            let scores = scratch + thread * stride * group
            for item in begin..<end {
                let part = item % parts
                let kvHead = item / parts % kvHeads
                let slot = item / parts / kvHeads
                let t = slot & 1 == 0 ? slot / 2 : n - 1 - slot / 2
                let segment = rows.segments[rows.segmentOfRow[t]]
                let position = segment.start + t - segment.firstRow
                let kvOffset = kvHead * headDim
                let keys = segment.sequence.cache.keys(layer: layer, position: 0) + kvOffset
                let values = segment.sequence.cache.values(layer: layer, position: 0) + kvOffset
                let firstHead = kvHead * group + part * itemHeads, heads = min(itemHeads, group - part * itemHeads)
                let query = q + t * qDim + firstHead * headDim
                let output = out + t * qDim + firstHead * headDim
                let first = window > 0 ? max(0, position - window + 1) : 0
                if reference {
                    for h in 0..<heads {
                        AttentionKernel.rowReference(query: query + h * headDim, keys: keys, values: values,
                                                     stride: kvDim, first: first, length: position + 1, headDim: headDim, scale: scale,
                                                     roundProbabilities: false, out: output + h * headDim)
                    }
                } else {
                    AttentionKernel.row(query: query, heads: heads, keys: keys, values: values,
                                        stride: kvDim, first: first, length: position + 1, headDim: headDim, scale: scale,
                                        roundProbabilities: true, singleQuery: segment.count == 1,
                                        scores: scores, scoresStride: stride, out: output)
                }
            }
        }
    }
}
