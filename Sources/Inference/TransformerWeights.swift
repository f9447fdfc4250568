import CKernels
import GGUF

/// The tensors of a transformer as views into the memory-mapped GGUF file (the small norm, bias and
/// factor vectors are copied to Float). Which optional tensors must be present follows from the
/// configuration's features. On a CPU with AVX-512 VNNI the matrices are also repacked once for its
/// kernel (as many bytes as in the file; the file's pages are released). Valid while the `GGUFFile` lives.
public struct TransformerWeights: @unchecked Sendable {
    /// One transformer block.
    public struct Layer: @unchecked Sendable {
        /// (dim) RMSNorm weight before attention.
        public let attentionNorm: [Float]
        /// (qDim, dim) rows = output features.
        public internal(set) var query: WeightMatrix
        /// (kvDim, dim)
        public internal(set) var key: WeightMatrix
        /// (kvDim, dim)
        public internal(set) var value: WeightMatrix
        /// (qDim), (kvDim), (kvDim) biases added after the projections (Qwen 2; any file that has them), else nil.
        public let queryBias: [Float]?, keyBias: [Float]?, valueBias: [Float]?
        /// (headDim) RMSNorm weights of each query / key head before RoPE (Qwen 3, Gemma 3), else nil.
        public let queryNorm: [Float]?, keyNorm: [Float]?
        /// (dim, qDim)
        public internal(set) var attentionOutput: WeightMatrix
        /// (dim) RMSNorm weight of the attention output before the residual add (Gemma 3), else nil.
        public let attentionPostNorm: [Float]?
        /// (dim) RMSNorm weight before the feed-forward network.
        public let ffnNorm: [Float]
        /// (ffnDim, dim)
        public internal(set) var gate: WeightMatrix
        /// (ffnDim, dim)
        public internal(set) var up: WeightMatrix
        /// (dim, ffnDim)
        public internal(set) var down: WeightMatrix
        /// (dim) RMSNorm weight of the FFN output before the residual add (Gemma 3), else nil.
        public let ffnPostNorm: [Float]?

        /// The layer's matrices, in one order for whoever walks them all.
        static var matrices: [WritableKeyPath<Layer, WeightMatrix>] { [\.query, \.key, \.value, \.attentionOutput, \.gate, \.up, \.down] }
    }

    /// (vocab, dim) token embeddings, one row per token.
    public let tokenEmbedding: WeightMatrix
    public private(set) var layers: [Layer]
    /// (dim) final RMSNorm weight.
    public let outputNorm: [Float]
    /// (vocab, dim) the output projection: `output.weight`, or `token_embd.weight` when the model ties them.
    public private(set) var output: WeightMatrix
    /// Whether `output` is the token embedding (no `output.weight` in the file).
    public let outputIsTied: Bool
    /// (ropeDimensions / 2) `rope_freqs.weight`: RoPE angle i is divided by ropeFactors[i] (Llama 3's
    /// long-context frequency scaling), or nil.
    public let ropeFactors: [Float]?

    /// Whether some matrix's llama.cpp routine changes with the number of tokens evaluated together
    /// (the K-quants: the tiled matmul from 8 tokens, the repacked gemm from 4), so that a sequence's
    /// numbers depend on how its tokens were batched: evaluated at once, or after a cached prefix.
    public var numbersDependOnBatching: Bool {
        ([output] + layers.flatMap { layer in Layer.matrices.map { layer[keyPath: $0] } }).contains { w in
            vs_per_token_group(Int32(w.type.rawValue), Int32(w.rows)) != Int32.max
        }
    }

    /// Finds and checks every tensor the configuration needs; a missing tensor, a wrong shape or an
    /// unsupported type is an error naming the tensor.
    public init(file: GGUFFile, config: TransformerConfig) throws(InferenceError) {
        let vocab = config.vocabularySize, dim = config.dim, qDim = config.qDim, kvDim = config.kvDim
        let features = config.features
        tokenEmbedding = try Self.matrix(file, "token_embd.weight", rows: vocab, cols: dim)
        outputNorm = try Self.vector(file, "output_norm.weight", count: dim)
        if file.tensor(named: "output.weight") != nil {
            output = try Self.matrix(file, "output.weight", rows: vocab, cols: dim)
            outputIsTied = false
        } else {
            output = tokenEmbedding
            outputIsTied = true
        }
        ropeFactors = file.tensor(named: "rope_freqs.weight") == nil ? nil
            : try Self.vector(file, "rope_freqs.weight", count: config.ropeDimensions / 2)
        /// A vector the features require, or one llama.cpp loads where present (Q/K/V biases).
        func optional(_ name: String, count: Int, when required: Bool) throws(InferenceError) -> [Float]? {
            required || (name.hasSuffix(".bias") && file.tensor(named: name) != nil)
                ? try Self.vector(file, name, count: count) : nil
        }
        var layers: [Layer] = []
        layers.reserveCapacity(config.layerCount)
        for index in 0..<config.layerCount {
            let p = "blk.\(index)."
            layers.append(Layer(
                attentionNorm: try Self.vector(file, p + "attn_norm.weight", count: dim),
                query: try Self.matrix(file, p + "attn_q.weight", rows: qDim, cols: dim),
                key: try Self.matrix(file, p + "attn_k.weight", rows: kvDim, cols: dim),
                value: try Self.matrix(file, p + "attn_v.weight", rows: kvDim, cols: dim),
                queryBias: try optional(p + "attn_q.bias", count: qDim, when: features.hasQKVBias),
                keyBias: try optional(p + "attn_k.bias", count: kvDim, when: features.hasQKVBias),
                valueBias: try optional(p + "attn_v.bias", count: kvDim, when: features.hasQKVBias),
                queryNorm: try optional(p + "attn_q_norm.weight", count: config.headDim, when: features.hasQKNorm),
                keyNorm: try optional(p + "attn_k_norm.weight", count: config.headDim, when: features.hasQKNorm),
                attentionOutput: try Self.matrix(file, p + "attn_output.weight", rows: dim, cols: qDim),
                attentionPostNorm: try optional(p + "post_attention_norm.weight", count: dim, when: features.hasPostNorms),
                ffnNorm: try Self.vector(file, p + "ffn_norm.weight", count: dim),
                gate: try Self.matrix(file, p + "ffn_gate.weight", rows: config.ffnDim, cols: dim),
                up: try Self.matrix(file, p + "ffn_up.weight", rows: config.ffnDim, cols: dim),
                down: try Self.matrix(file, p + "ffn_down.weight", rows: dim, cols: config.ffnDim),
                ffnPostNorm: try optional(p + "post_ffw_norm.weight", count: dim, when: features.hasPostNorms)))
        }
        self.layers = layers
        packForAVX512(fileIsMapped: file.isMemoryMapped)
    }

    /// Repacks every matmul weight for the AVX-512 kernel at once, on all cores (see PackedWeights).
    private mutating func packForAVX512(fileIsMapped: Bool) {
        let paths = Layer.matrices
        let packs = PackedWeights.packAll([output] + layers.flatMap { layer in paths.map { layer[keyPath: $0] } },
                                          releasingFilePages: fileIsMapped)
        output.packed = packs[0]
        for l in layers.indices {
            for (i, path) in paths.enumerated() { layers[l][keyPath: path].packed = packs[1 + l * paths.count + i] }
        }
    }

    /// A 2-D tensor with ggml dimensions [cols, rows].
    static func matrix(_ file: GGUFFile, _ name: String, rows: Int, cols: Int) throws(InferenceError) -> WeightMatrix {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name) }
        let shape = info.dimensions
        guard shape.count == 2 || (shape.count > 2 && shape[2...].allSatisfy { $0 == 1 }),
              shape[0] == cols, shape[1] == rows else {
            throw .invalidTensorShape(tensor: name, reason: "expected dimensions [\(cols), \(rows)], found \(shape)")
        }
        let bytes = file.bytes(of: info)
        guard let base = bytes.baseAddress else { throw .invalidTensorShape(tensor: name, reason: "no data") }
        let matrix = try WeightMatrix(type: info.type, rows: rows, cols: cols, data: base, name: name)
        guard matrix.byteCount <= bytes.count else {
            throw .invalidTensorShape(tensor: name, reason: "\(matrix.byteCount) bytes needed, \(bytes.count) in the file")
        }
        return matrix
    }

    /// A 1-D tensor of `count` elements, converted to Float.
    static func vector(_ file: GGUFFile, _ name: String, count: Int) throws(InferenceError) -> [Float] {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name) }
        guard info.elementCount == count, info.dimensions.first == count else {
            throw .invalidTensorShape(tensor: name, reason: "expected dimensions [\(count)], found \(info.dimensions)")
        }
        guard let base = file.bytes(of: info).baseAddress else { throw .invalidTensorShape(tensor: name, reason: "no data") }
        let matrix = try WeightMatrix(type: info.type, rows: 1, cols: count, data: base, name: name)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { buffer in
            Kernels.dequantizeRow(matrix, row: 0, into: buffer.baseAddress!)
        }
        return values
    }
}
