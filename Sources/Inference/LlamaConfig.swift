import GGUF

/// The hyperparameters of a Llama-architecture model, read from its GGUF metadata
/// (`{arch}.block_count`, `{arch}.embedding_length`, …) and checked for consistency.
public struct LlamaConfig: Sendable, Equatable {
    /// `general.architecture`; only `llama` is supported.
    public var architecture: String
    /// Transformer blocks.
    public var layerCount: Int
    /// Width of the residual stream (`embedding_length`).
    public var dim: Int
    /// Hidden width of the SwiGLU feed-forward network.
    public var ffnDim: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (grouped-query attention: `headCount / kvHeadCount` queries share one).
    public var kvHeadCount: Int
    /// Elements per head.
    public var headDim: Int
    /// Elements of each head that RoPE rotates (`rope.dimension_count`, default `headDim`).
    public var ropeDimensions: Int
    /// `rope.freq_base` (default 10000).
    public var ropeFreqBase: Float
    /// 1 / `rope.scaling.factor` for linear scaling, else 1.
    public var ropeFreqScale: Float
    /// `attention.layer_norm_rms_epsilon`.
    public var rmsEpsilon: Float
    /// The context length the model was trained with (`context_length`).
    public var trainedContextLength: Int
    /// Rows of the embedding and output matrices.
    public var vocabularySize: Int

    /// Width of one position's keys (or values) across all KV heads.
    public var kvDim: Int { kvHeadCount * headDim }
    /// Query heads per KV head.
    public var groupSize: Int { headCount / kvHeadCount }

    public init(architecture: String = "llama", layerCount: Int, dim: Int, ffnDim: Int, headCount: Int,
                kvHeadCount: Int, headDim: Int, ropeDimensions: Int, ropeFreqBase: Float,
                ropeFreqScale: Float = 1, rmsEpsilon: Float, trainedContextLength: Int, vocabularySize: Int) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.dim = dim
        self.ffnDim = ffnDim
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim
        self.ropeDimensions = ropeDimensions
        self.ropeFreqBase = ropeFreqBase
        self.ropeFreqScale = ropeFreqScale
        self.rmsEpsilon = rmsEpsilon
        self.trainedContextLength = trainedContextLength
        self.vocabularySize = vocabularySize
    }

    /// Reads the configuration from a GGUF file's metadata. The vocabulary size falls back to the
    /// embedding tensor's row count, then to the number of `tokenizer.ggml.tokens`.
    public init(metadata: GGUFMetadata, embeddingRows: Int? = nil) throws(InferenceError) {
        guard let architecture = metadata.string("general.architecture") else {
            throw .missingMetadata(key: "general.architecture")
        }
        guard architecture == "llama" else { throw .unsupportedArchitecture(architecture) }
        let prefix = architecture + "."
        func required(_ key: String) throws(InferenceError) -> Int {
            guard let value = metadata.int(prefix + key) else { throw .missingMetadata(key: prefix + key) }
            guard value > 0 else { throw .invalidMetadata(key: prefix + key, reason: "must be positive, got \(value)") }
            return value
        }
        let layerCount = try required("block_count")
        let dim = try required("embedding_length")
        let ffnDim = try required("feed_forward_length")
        let headCount = try required("attention.head_count")
        let kvHeadCount = metadata.int(prefix + "attention.head_count_kv") ?? headCount
        guard kvHeadCount > 0, headCount % kvHeadCount == 0 else {
            throw .invalidMetadata(key: prefix + "attention.head_count_kv",
                                   reason: "\(kvHeadCount) does not divide the \(headCount) query heads")
        }
        guard dim % headCount == 0 else {
            throw .invalidMetadata(key: prefix + "attention.head_count",
                                   reason: "\(headCount) heads do not divide embedding_length \(dim)")
        }
        let headDim = metadata.int(prefix + "attention.key_length") ?? dim / headCount
        guard headDim * headCount == dim else {
            throw .invalidMetadata(key: prefix + "attention.key_length",
                                   reason: "\(headDim) × \(headCount) heads ≠ embedding_length \(dim)")
        }
        let ropeDimensions = metadata.int(prefix + "rope.dimension_count") ?? headDim
        guard ropeDimensions > 0, ropeDimensions <= headDim, ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(key: prefix + "rope.dimension_count",
                                   reason: "\(ropeDimensions) must be even and at most the head size \(headDim)")
        }
        let ropeFreqBase = metadata.double(prefix + "rope.freq_base") ?? 10000
        guard ropeFreqBase > 1, ropeFreqBase.isFinite else {
            throw .invalidMetadata(key: prefix + "rope.freq_base", reason: "\(ropeFreqBase) must be above 1")
        }
        var ropeFreqScale = 1.0
        if let kind = metadata.string(prefix + "rope.scaling.type"), kind != "none" {
            guard kind == "linear" else { throw .invalidMetadata(key: prefix + "rope.scaling.type", reason: "'\(kind)' is not supported") }
            let factor = metadata.double(prefix + "rope.scaling.factor") ?? 1
            guard factor > 0, factor.isFinite else {
                throw .invalidMetadata(key: prefix + "rope.scaling.factor", reason: "\(factor) must be positive")
            }
            ropeFreqScale = 1 / factor
        }
        let epsilon = metadata.double(prefix + "attention.layer_norm_rms_epsilon") ?? 1e-5
        guard epsilon > 0, epsilon < 1 else {
            throw .invalidMetadata(key: prefix + "attention.layer_norm_rms_epsilon", reason: "\(epsilon) out of range")
        }
        let vocabulary = metadata.int(prefix + "vocab_size") ?? embeddingRows
            ?? metadata.array("tokenizer.ggml.tokens")?.count
        guard let vocabularySize = vocabulary, vocabularySize > 0 else {
            throw .missingMetadata(key: prefix + "vocab_size")
        }
        self.init(architecture: architecture, layerCount: layerCount, dim: dim, ffnDim: ffnDim,
                  headCount: headCount, kvHeadCount: kvHeadCount, headDim: headDim,
                  ropeDimensions: ropeDimensions, ropeFreqBase: Float(ropeFreqBase),
                  ropeFreqScale: Float(ropeFreqScale), rmsEpsilon: Float(epsilon),
                  trainedContextLength: metadata.int(prefix + "context_length") ?? 2048,
                  vocabularySize: vocabularySize)
    }
}
