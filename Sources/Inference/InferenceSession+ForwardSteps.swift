import Foundation
import CKernels

/// The blocks every architecture's forward pass is built from (as llama.cpp's `llm_graph_context`
/// build_norm / build_qkv / build_attn / build_ffn are shared by its model files). Each works on the
/// batch's n rows in `buffers` and switches on the configuration's features, so a family's forward
/// file reads as its sequence of blocks. Tensors are dumped under llama.cpp's names (TensorDump).
extension InferenceSession {
    /// x (n, dim) = token embeddings, times the embedding scale (Gemma 3: √dim) when there is one.
    func embed(_ batch: UnsafeBufferPointer<Int32>) {
        let dim = model.config.dim, scale = model.config.features.embeddingScale
        for t in 0..<batch.count {
            Kernels.dequantizeRow(model.weights.tokenEmbedding, row: Int(batch[t]), into: buffers.x + t * dim)
        }
        if scale != 1 {
            VectorMath.scale(buffers.x, by: scale, count: batch.count * dim)
            TensorDump.write("inp_scaled", buffers.x, count: batch.count * dim)
        }
    }

    /// xb (n, dim) ← attention of the normed residual stream over each row's sequence cache, projected by Wo:
    ///
    ///     xb = rmsnorm(x) · attn_norm
    ///     q = xb·Wqᵀ (+ bq) (n, qDim);  k = xb·Wkᵀ (+ bk), v = xb·Wvᵀ (+ bv) (n, kvDim)
    ///     q, k = rmsnorm of each head · q_norm, k_norm          (features.hasQKNorm)
    ///     rope(q), rope(k)      at each row's position; the layer's table (local layers: their own
    ///                           base), the model's layout
    ///     q ·= queryScale                                       (Gemma 3; the kq scale is then 1)
    ///     k, v → each row's sequence cache at its position
    ///     xb = attention(q, cache; window if local) · Woᵀ
    func selfAttention(layer l: Int, _ layer: TransformerWeights.Layer, rows: ForwardRows) {
        let config = model.config, features = config.features
        let qDim = config.qDim, kvDim = config.kvDim, headDim = config.headDim
        let b = buffers, n = rows.count, perToken = rows.perToken
        let keys = b.k, values = b.v
        rmsNormRows(b.x, weight: layer.attentionNorm, rows: n, into: b.xb)
        TensorDump.write("attn_norm-\(l)", b.xb, count: n * config.dim)
        quantize(b.xb, n: n, into: b.quantizedDim)
        matmul(layer.query, x: b.xb, n: n, y: b.q, quantized: b.quantizedDim, perToken: perToken)
        matmul(layer.key, x: b.xb, n: n, y: keys, quantized: b.quantizedDim, perToken: perToken)
        matmul(layer.value, x: b.xb, n: n, y: values, quantized: b.quantizedDim, perToken: perToken)
        addBias(layer.queryBias, to: b.q, rows: n, width: qDim)
        addBias(layer.keyBias, to: keys, rows: n, width: kvDim)
        addBias(layer.valueBias, to: values, rows: n, width: kvDim)
        if let queryNorm = layer.queryNorm, let keyNorm = layer.keyNorm {
            rmsNormRows(b.q, weight: queryNorm, rows: n * config.headCount, width: headDim, into: b.q)
            rmsNormRows(keys, weight: keyNorm, rows: n * config.kvHeadCount, width: headDim, into: keys)
            TensorDump.write("Qcur_normed-\(l)", b.q, count: n * qDim)
            TensorDump.write("Kcur_normed-\(l)", keys, count: n * kvDim)
        }
        let local = config.isLocal(layer: l)
        let table = local ? localRope : rope
        for t in 0..<n {
            let position = rows.position(t)
            VectorMath.rope(b.q + t * qDim, heads: config.headCount, headDim: headDim, position: position,
                            table: table, layout: features.ropeLayout)
            VectorMath.rope(keys + t * kvDim, heads: config.kvHeadCount, headDim: headDim, position: position,
                            table: table, layout: features.ropeLayout)
        }
        TensorDump.write("Qcur-\(l)", b.q, count: n * qDim)
        TensorDump.write("Kcur-\(l)", keys, count: n * kvDim)
        TensorDump.write("Vcur-\(l)", values, count: n * kvDim)
        var scale = 1 / Float(headDim).squareRoot()
        if let queryScale = features.queryScale {
            VectorMath.scale(b.q, by: queryScale, count: n * qDim)
            scale = 1
        }
        // The cache holds F16 values, as llama.cpp's does; queries meet them in F16 too.
        if !usesReferenceArithmetic {
            AttentionKernel.roundToHalf(keys, count: n * kvDim)
            AttentionKernel.roundToHalf(values, count: n * kvDim)
            AttentionKernel.roundToHalf(b.q, count: n * qDim)
        }
        rows.store(keys: keys, values: values, layer: l, kvDim: kvDim)
        // attentionOut (n, qDim) = causal grouped-query attention of each row over its sequence.
        attention(layer: l, rows: rows, scale: scale, window: local ? features.slidingWindow : 0)
        TensorDump.write("kqv_out-\(l)", b.attentionOut, count: n * qDim)
        quantize(b.attentionOut, n: n, into: b.quantizedAttention)
        matmul(layer.attentionOutput, x: b.attentionOut, n: n, y: b.xb, quantized: b.quantizedAttention, perToken: perToken)
    }

    /// xb (n, dim) ← (act(xb·Wgateᵀ) ⊙ xb·Wupᵀ)·Wdownᵀ for xb = rmsnorm(x) · ffn_norm, act = SiLU or GELU.
    func feedForward(layer l: Int, _ layer: TransformerWeights.Layer, rows: ForwardRows) {
        let b = buffers, ffnDim = model.config.ffnDim, n = rows.count, perToken = rows.perToken
        rmsNormRows(b.x, weight: layer.ffnNorm, rows: n, into: b.xb)
        TensorDump.write("ffn_norm-\(l)", b.xb, count: n * model.config.dim)
        quantize(b.xb, n: n, into: b.quantizedDim)
        matmul(layer.gate, x: b.xb, n: n, y: b.gate, quantized: b.quantizedDim, perToken: perToken)
        matmul(layer.up, x: b.xb, n: n, y: b.up, quantized: b.quantizedDim, perToken: perToken)
        let activation = model.config.features.activation
        gatedActivationRows(rows: n, width: ffnDim, activation)
        TensorDump.write((activation == .swiglu ? "ffn_swiglu-" : "ffn_geglu-") + "\(l)", b.gate, count: n * ffnDim)
        quantize(b.gate, n: n, into: b.quantizedFFN)
        matmul(layer.down, x: b.gate, n: n, y: b.xb, quantized: b.quantizedFFN, perToken: perToken)
        TensorDump.write("ffn_out-\(l)", b.xb, count: n * model.config.dim)
    }

    /// x (n, dim) += xb, the sublayer's output (rmsnorm(xb) · postNorm first where there is one, as
    /// Gemma 3's post norms), dumping xb as `postNormName` and the sum as `name`.
    func residual(postNorm: [Float]? = nil, postNormName: String = "", _ name: String, layer l: Int, count n: Int) {
        let b = buffers, count = n * model.config.dim
        if let postNorm {
            rmsNormRows(b.xb, weight: postNorm, rows: n, into: b.xb)
            TensorDump.write("\(postNormName)-\(l)", b.xb, count: count)
        }
        VectorMath.add(b.xb, into: b.x, count: count)
        TensorDump.write("\(name)-\(l)", b.x, count: count)
    }

    /// Calls `body(row, logits)` for rows `logitsFrom ..< n` of x in order, at most logitCapacity rows
    /// per output matmul: logits = (rmsnorm(x) · output_norm)·Woutᵀ, soft-capped where the model says.
    func outputLogits(rows: ForwardRows, from logitsFrom: Int, _ body: (Int, UnsafePointer<Float>) -> Void) {
        let b = buffers, config = model.config, n = rows.count
        let dim = config.dim, vocab = config.vocabularySize, softcap = config.features.finalLogitSoftcap
        var row = logitsFrom
        while row < n {
            let m = min(b.logitCapacity, n - row)
            rmsNormRows(b.x + row * dim, weight: model.weights.outputNorm, rows: m, into: b.logitInput)
            TensorDump.write("result_norm", b.logitInput, count: m * dim)
            quantize(b.logitInput, n: m, into: b.quantizedDim)
            matmul(model.weights.output, x: b.logitInput, n: m, y: b.logits, quantized: b.quantizedDim, perToken: rows.perToken)
            if softcap > 0 {
                // ggml_scale(1/c), ggml_tanh, ggml_scale(c), as llama.cpp's gemma3 graph.
                let inverse = 1 / softcap
                for i in 0..<(m * vocab) { b.logits[i] = tanhf(b.logits[i] * inverse) * softcap }
            }
            for i in 0..<m {
                body(row + i, b.logits + i * vocab)
            }
            row += m
        }
    }

    /// y (n, w.rows) = x (n, w.cols) · Wᵀ with the engine's kernels (or the scalar reference), reading
    /// x's 8-bit form from `quantized` (filled by `quantize` for this x) where the weight type needs it;
    /// `perToken`: each row as a one-token batch (ForwardRows.perToken).
    func matmul(_ w: WeightMatrix, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>,
                quantized: QuantizedActivations, perToken: Bool) {
        if usesReferenceArithmetic {
            Kernels.matmulReference(w, x: x, n: n, y: y)
        } else {
            Kernels.matmul(w, x: x, n: n, y: y, pool: pool, quantized: quantized, perToken: perToken)
        }
    }

    /// Quantizes x (n, cols) once for every matmul that reads it (nothing in reference mode).
    func quantize(_ x: UnsafePointer<Float>, n: Int, into quantized: QuantizedActivations) {
        if !usesReferenceArithmetic { quantized.quantize(x, n: n, pool: pool) }
    }

    /// y (rows, width) = rmsnorm(x) · weight row by row (width: dim unless given; a head for Q/K norm).
    func rmsNormRows(_ x: UnsafeMutablePointer<Float>, weight: [Float], rows: Int, width: Int? = nil,
                     into y: UnsafeMutablePointer<Float>) {
        let width = width ?? model.config.dim
        let epsilon = model.config.rmsEpsilon
        weight.withUnsafeBufferPointer { w in
            let wp = w.baseAddress!
            for t in 0..<rows {
                VectorMath.rmsNorm(x + t * width, weight: wp, count: width, epsilon: epsilon, into: y + t * width)
            }
        }
    }

    /// x (rows, width) += bias in every row (ggml_add with a broadcast row), when there is a bias.
    private func addBias(_ bias: [Float]?, to x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for t in 0..<rows { VectorMath.add(b.baseAddress!, into: x + t * width, count: width) }
        }
    }

    /// gate (rows, width) = act(gate) ⊙ up, split over the pool.
    private func gatedActivationRows(rows: Int, width: Int, _ activation: FeedForwardActivation) {
        let gate = buffers.gate, up = buffers.up
        let total = rows * width
        if usesReferenceArithmetic {
            switch activation {
            case .swiglu: VectorMath.swiglu(gate: gate, up: up, count: total)
            case .geglu: VectorMath.geglu(gate: gate, up: up, count: total)
            }
            return
        }
        let kernel = activation == .swiglu ? vs_swiglu : vs_geglu
        if total < 16384 {
            kernel(gate, up, total, -1)
            return
        }
        let chunks = pool.threadCount * 4
        let chunkSize = ((total + chunks - 1) / chunks + 15) & ~15
        pool.parallelFor(chunks) { begin, end, _ in
            for chunk in begin..<end {
                let start = chunk * chunkSize
                let stop = min(total, start + chunkSize)
                if start < stop {
                    kernel(gate + start, up + start, stop - start, -1)
                }
            }
        }
    }
}
