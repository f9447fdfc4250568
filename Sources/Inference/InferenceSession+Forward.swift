import CKernels
/// The Llama forward pass, top to bottom, as llama.cpp runs the architecture: for a batch of n tokens
/// at positions p0 ..< p0+n (p0 = tokens already cached),
///
///     x = embed(tokens)                                             (n, dim)
///     for each layer:
///         xb = rmsnorm(x) · attn_norm                               (n, dim)
///         q = xb·Wqᵀ (n, dim);  k = xb·Wkᵀ, v = xb·Wvᵀ → cache      (n, kvDim)
///         rope(q), rope(k)                    adjacent pairs, llama.cpp's normal type
///         a = softmax(q·kᵀ/√headDim, causal) · v   grouped-query    (n, dim)
///         x += a·Woᵀ
///         xb = rmsnorm(x) · ffn_norm
///         x += (silu(xb·Wgateᵀ) ⊙ xb·Wupᵀ)·Wdownᵀ                    (n, ffnDim) → (n, dim)
///     logits = (rmsnorm(x) · output_norm)·Woutᵀ  only for the rows asked for     (rows, vocab)
extension InferenceSession {
    /// Evaluates one batch (at most `batchCapacity` tokens) after the cached positions, writing its keys
    /// and values into the cache, and calls `body(row, logits)` for rows `logitsFrom..<n` in order.
    /// `p0` is the position of the batch's first token; the caller keeps `tokens` in step.
    func forward(_ batch: UnsafeBufferPointer<Int32>, start p0: Int, logitsFrom: Int,
                 _ body: (Int, UnsafePointer<Float>) -> Void) {
        let config = model.config
        let weights = model.weights
        let n = batch.count
        let dim = config.dim, kvDim = config.kvDim, ffnDim = config.ffnDim
        let b = buffers

        // x (n, dim): token embeddings.
        for t in 0..<n {
            Kernels.dequantizeRow(weights.tokenEmbedding, row: Int(batch[t]), into: b.x + t * dim)
        }

        for (l, layer) in weights.layers.enumerated() {
            // xb (n, dim) = rmsnorm(x) · attn_norm
            rmsNormRows(b.x, weight: layer.attentionNorm, rows: n, into: b.xb)
            TensorDump.write("attn_norm-\(l)", b.xb, count: n * dim)
            // q (n, dim), k and v (n, kvDim) straight into the cache rows p0 ..< p0+n.
            let keys = cache.keys(layer: l, position: p0)
            let values = cache.values(layer: l, position: p0)
            quantize(b.xb, n: n, into: b.quantizedDim)
            matmul(layer.query, x: b.xb, n: n, y: b.q, quantized: b.quantizedDim)
            matmul(layer.key, x: b.xb, n: n, y: keys, quantized: b.quantizedDim)
            matmul(layer.value, x: b.xb, n: n, y: values, quantized: b.quantizedDim)
            for t in 0..<n {
                VectorMath.rope(b.q + t * dim, heads: config.headCount, headDim: config.headDim,
                                position: p0 + t, table: rope)
                VectorMath.rope(keys + t * kvDim, heads: config.kvHeadCount, headDim: config.headDim,
                                position: p0 + t, table: rope)
            }
            // The cache holds F16 values, as llama.cpp's does; queries meet them in F16 too.
            if !usesReferenceArithmetic {
                AttentionKernel.roundToHalf(keys, count: n * kvDim)
                AttentionKernel.roundToHalf(values, count: n * kvDim)
                AttentionKernel.roundToHalf(b.q, count: n * dim)
            }
            // attentionOut (n, dim) = causal grouped-query attention over positions 0 ... p0+t.
            attention(layer: l, start: p0, count: n)
            TensorDump.write("Qcur-\(l)", b.q, count: n * dim)
            TensorDump.write("Kcur-\(l)", keys, count: n * kvDim)
            TensorDump.write("Vcur-\(l)", values, count: n * kvDim)
            TensorDump.write("kqv_out-\(l)", b.attentionOut, count: n * dim)
            // x += attentionOut · Woᵀ
            quantize(b.attentionOut, n: n, into: b.quantizedAttention)
            matmul(layer.attentionOutput, x: b.attentionOut, n: n, y: b.xb, quantized: b.quantizedAttention)
            VectorMath.add(b.xb, into: b.x, count: n * dim)
            TensorDump.write("ffn_inp-\(l)", b.x, count: n * dim)

            // Feed-forward: x += (silu(xb·Wgateᵀ) ⊙ xb·Wupᵀ)·Wdownᵀ
            rmsNormRows(b.x, weight: layer.ffnNorm, rows: n, into: b.xb)
            quantize(b.xb, n: n, into: b.quantizedDim)
            matmul(layer.gate, x: b.xb, n: n, y: b.gate, quantized: b.quantizedDim)
            matmul(layer.up, x: b.xb, n: n, y: b.up, quantized: b.quantizedDim)
            swigluRows(rows: n, width: ffnDim)
            quantize(b.gate, n: n, into: b.quantizedFFN)
            TensorDump.write("ffn_swiglu-\(l)", b.gate, count: n * ffnDim)
            matmul(layer.down, x: b.gate, n: n, y: b.xb, quantized: b.quantizedFFN)
            TensorDump.write("ffn_out-\(l)", b.xb, count: n * dim)
            VectorMath.add(b.xb, into: b.x, count: n * dim)
            TensorDump.write("l_out-\(l)", b.x, count: n * dim)
        }

        // Logits only for rows logitsFrom ..< n, at most logitCapacity rows per output matmul.
        var row = logitsFrom
        while row < n {
            let m = min(b.logitCapacity, n - row)
            outputNorm(rows: row..<(row + m))
            TensorDump.write("result_norm", b.logitInput, count: m * dim)
            quantize(b.logitInput, n: m, into: b.quantizedDim)
            matmul(weights.output, x: b.logitInput, n: m, y: b.logits, quantized: b.quantizedDim)
            for i in 0..<m {
                body(row + i, b.logits + i * config.vocabularySize)
            }
            row += m
        }
    }

    /// y (n, w.rows) = x (n, w.cols) · Wᵀ with the engine's kernels (or the scalar reference), reading
    /// x's 8-bit form from `quantized` (filled by `quantize` for this x) where the weight type needs it.
    private func matmul(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>,
                        quantized: QuantizedActivations) {
        if usesReferenceArithmetic {
            Kernels.matmulReference(w, x: x, n: n, y: y)
        } else {
            Kernels.matmul(w, x: x, n: n, y: y, pool: pool, quantized: quantized)
        }
    }

    /// Quantizes x (n, cols) once for every matmul that reads it (nothing in reference mode).
    private func quantize(_ x: UnsafePointer<Float>, n: Int, into quantized: QuantizedActivations) {
        if !usesReferenceArithmetic { quantized.quantize(x, n: n, pool: pool) }
    }

    /// y (rows, dim) = rmsnorm(x) · weight, row by row on the calling thread (not split over the pool).
    private func rmsNormRows(_ x: UnsafeMutablePointer<Float>, weight: [Float], rows: Int,
                             into y: UnsafeMutablePointer<Float>) {
        let dim = model.config.dim
        let epsilon = model.config.rmsEpsilon
        weight.withUnsafeBufferPointer { w in
            let wp = w.baseAddress!
            for t in 0..<rows {
                VectorMath.rmsNorm(x + t * dim, weight: wp, count: dim, epsilon: epsilon, into: y + t * dim)
            }
        }
    }

    /// gate (rows, width) = silu(gate) ⊙ up, split over the pool.
    private func swigluRows(rows: Int, width: Int) {
        let gate = buffers.gate, up = buffers.up
        let total = rows * width
        if usesReferenceArithmetic {
            VectorMath.swiglu(gate: gate, up: up, count: total)
            return
        }
        if total < 16384 {
            vs_swiglu(gate, up, total, -1)
            return
        }
        let chunks = pool.threadCount * 4
        let chunkSize = ((total + chunks - 1) / chunks + 15) & ~15
        pool.parallelFor(chunks) { begin, end, _ in
            for chunk in begin..<end {
                let start = chunk * chunkSize
                let stop = min(total, start + chunkSize)
                if start < stop {
                    vs_swiglu(gate + start, up + start, stop - start, -1)
                }
            }
        }
    }

    /// logitInput (rows.count, dim) = rmsnorm(x[rows]) · output_norm.
    private func outputNorm(rows: Range<Int>) {
        let dim = model.config.dim
        let epsilon = model.config.rmsEpsilon
        model.weights.outputNorm.withUnsafeBufferPointer { w in
            for (i, t) in rows.enumerated() {
                VectorMath.rmsNorm(buffers.x + t * dim, weight: w.baseAddress!, count: dim, epsilon: epsilon,
                                   into: buffers.logitInput + i * dim)
            }
        }
    }
}
