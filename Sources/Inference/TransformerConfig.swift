import GGUF

/// The hyperparameters and features of a GGUF transformer, read from its metadata
/// (`{arch}.block_count`, `{arch}.embedding_length`, …) and checked for consistency. The features
/// (biases, norms, RoPE layout, activation, sliding window, scales) follow from the architecture as
/// llama.cpp's loader sets them (src/models/<arch>.cpp `load_arch_hparams`).
public struct TransformerConfig: Sendable, Equatable {
    /// `general.architecture`.
    public var architecture: Architecture
    /// Transformer blocks.
    public var layerCount: Int
    /// Width of the residual stream (`embedding_length`).
    public var dim: Int
    /// Hidden width of the gated feed-forward network.
    public var ffnDim: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (grouped-query attention: `headCount / kvHeadCount` queries share one).
    public var kvHeadCount: Int
    /// Elements per head (`attention.key_length`, default dim / headCount; Gemma 3 and Qwen 3 differ).
    public var headDim: Int
    /// Elements of each head that RoPE rotates (`rope.dimension_count`, default `headDim`).
    public var ropeDimensions: Int
    /// `rope.freq_base` (default 10000): the global layers' base.
    public var ropeFreqBase: Float
    /// 1 / `rope.scaling.factor` for linear scaling, else 1.
    public var ropeFreqScale: Float
    /// `attention.layer_norm_rms_epsilon`.
    public var rmsEpsilon: Float
    /// The context length the model was trained with (`context_length`).
    public var trainedContextLength: Int
    /// Rows of the embedding and output matrices.
    public var vocabularySize: Int
    /// What the architecture adds to a plain pre-norm transformer.
    public var features: Features

    /// The architecture's switches, one per difference from Llama 2.
    public struct Features: Sendable, Equatable {
        public var ropeLayout: RopeLayout = .adjacentPairs
        public var activation: FeedForwardActivation = .swiglu
        /// `attn_q.bias`, `attn_k.bias`, `attn_v.bias` added after the projections (Qwen 2).
        public var hasQKVBias = false
        /// `attn_q_norm`, `attn_k_norm`: RMSNorm of each head of Q and K before RoPE (Qwen 3, Gemma 3).
        public var hasQKNorm = false
        /// `post_attention_norm`, `post_ffw_norm`: RMSNorm of each sublayer's output before the
        /// residual add (Gemma 3).
        public var hasPostNorms = false
        /// The token embeddings are multiplied by this (Gemma 3: √dim), or 1.
        public var embeddingScale: Float = 1
        /// Queries are multiplied by this before attention, whose kq scale is then 1 (Gemma 3's
        /// `f_attention_scale`); nil: the kq product is scaled by 1/√headDim as usual.
        public var queryScale: Float?
        /// Positions a local layer's query sees (itself included): key j is visible from query i when
        /// i − j < slidingWindow. 0: no local layers.
        public var slidingWindow = 0
        /// Per layer: whether it is local (sliding window, `localRopeFreqBase`). Gemma 3: every layer
        /// but each sixth (`attention.sliding_window_pattern`, default 6).
        public var localLayers: [Bool] = []
        /// `rope.freq_base_swa` (default 10000): the RoPE base of the local layers.
        public var localRopeFreqBase: Float = 10000
        /// `final_logit_softcapping`: logits = c·tanh(logits / c) when above 0.
        public var finalLogitSoftcap: Float = 0

        public init() {}
    }

    /// Width of one position's keys (or values) across all KV heads.
    public var kvDim: Int { kvHeadCount * headDim }
    /// Width of one position's queries across all heads (the attention output's width too).
    public var qDim: Int { headCount * headDim }
    /// Query heads per KV head.
    public var groupSize: Int { headCount / kvHeadCount }
    /// Whether `layer` attends through a sliding window.
    public func isLocal(layer: Int) -> Bool {
        features.slidingWindow > 0 && layer < features.localLayers.count && features.localLayers[layer]
    }

    public init(architecture: Architecture = .llama, layerCount: Int, dim: Int, ffnDim: Int, headCount: Int,
                kvHeadCount: Int, headDim: Int, ropeDimensions: Int, ropeFreqBase: Float,
                ropeFreqScale: Float = 1, rmsEpsilon: Float, trainedContextLength: Int, vocabularySize: Int,
                features: Features = Features()) {
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
        self.features = features
    }

    /// Reads the configuration from a GGUF file's metadata. The vocabulary size falls back to the
    /// embedding tensor's row count, then to the number of `tokenizer.ggml.tokens`.
    public init(metadata: GGUFMetadata, embeddingRows: Int? = nil) throws(InferenceError) {
        guard let name = metadata.string("general.architecture") else {
            throw .missingMetadata(key: "general.architecture")
        }
        guard let architecture = Architecture(rawValue: name) else { throw .unsupportedArchitecture(name) }
        let prefix = name + "."
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
        guard metadata.int(prefix + "attention.key_length") != nil || dim % headCount == 0 else {
            throw .invalidMetadata(key: prefix + "attention.head_count",
                                   reason: "\(headCount) heads do not divide embedding_length \(dim)")
        }
        let headDim = metadata.int(prefix + "attention.key_length") ?? dim / headCount
        guard headDim > 0, headDim % 2 == 0 else {
            throw .invalidMetadata(key: prefix + "attention.key_length", reason: "\(headDim) must be even and positive")
        }
        if let valueLength = metadata.int(prefix + "attention.value_length"), valueLength != headDim {
            throw .invalidMetadata(key: prefix + "attention.value_length",
                                   reason: "\(valueLength) differs from key_length \(headDim), which the engine does not run")
        }
        let ropeDimensions = metadata.int(prefix + "rope.dimension_count") ?? headDim
        guard ropeDimensions > 0, ropeDimensions <= headDim, ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(key: prefix + "rope.dimension_count",
                                   reason: "\(ropeDimensions) must be even and at most the head size \(headDim)")
        }
        let ropeFreqBase = try Self.ropeBase(metadata, prefix + "rope.freq_base", default: 10000)
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
        let features = try Self.features(of: architecture, metadata: metadata, prefix: prefix,
                                         layerCount: layerCount, dim: dim, headDim: headDim)
        self.init(architecture: architecture, layerCount: layerCount, dim: dim, ffnDim: ffnDim,
                  headCount: headCount, kvHeadCount: kvHeadCount, headDim: headDim,
                  ropeDimensions: ropeDimensions, ropeFreqBase: ropeFreqBase,
                  ropeFreqScale: Float(ropeFreqScale), rmsEpsilon: Float(epsilon),
                  trainedContextLength: metadata.int(prefix + "context_length") ?? 2048,
                  vocabularySize: vocabularySize, features: features)
    }

    /// The architecture's features, as llama.cpp's `load_arch_hparams` and graph for it set them.
    private static func features(of architecture: Architecture, metadata: GGUFMetadata, prefix: String,
                                 layerCount: Int, dim: Int, headDim: Int) throws(InferenceError) -> Features {
        var features = Features()
        switch architecture {
        case .llama:
            break
        case .qwen2:
            features.ropeLayout = .halves
            features.hasQKVBias = true
        case .qwen3:
            features.ropeLayout = .halves
            features.hasQKNorm = true
        case .gemma3:
            features.ropeLayout = .halves
            features.activation = .geglu
            features.hasQKNorm = true
            features.hasPostNorms = true
            features.embeddingScale = Float(dim).squareRoot()
            // llama.cpp: 1/√(n_embd / n_head) for the 27B (62 layers), else 1/√head_dim.
            let headCount = metadata.int(prefix + "attention.head_count") ?? 1
            features.queryScale = layerCount == 62 ? 1 / Float(dim / headCount).squareRoot() : 1 / Float(headDim).squareRoot()
            let window = metadata.int(prefix + "attention.sliding_window") ?? 0
            guard window >= 0 else {
                throw .invalidMetadata(key: prefix + "attention.sliding_window", reason: "\(window) must not be negative")
            }
            if window > 0 {
                features.slidingWindow = window
                let pattern = metadata.int(prefix + "attention.sliding_window_pattern") ?? 6
                guard pattern >= 0 else {
                    throw .invalidMetadata(key: prefix + "attention.sliding_window_pattern", reason: "\(pattern) must not be negative")
                }
                // llama_hparams::set_swa_pattern: local unless the last of each group of `pattern`.
                features.localLayers = (0..<layerCount).map { pattern == 0 || $0 % pattern < pattern - 1 }
                features.localRopeFreqBase = try ropeBase(metadata, prefix + "rope.freq_base_swa", default: 10000)
            }
            let softcap = metadata.double(prefix + "final_logit_softcapping") ?? 0
            guard softcap >= 0, softcap.isFinite else {
                throw .invalidMetadata(key: prefix + "final_logit_softcapping", reason: "\(softcap) must be a positive number")
            }
            features.finalLogitSoftcap = Float(softcap)
        }
        return features
    }

    private static func ropeBase(_ metadata: GGUFMetadata, _ key: String, default value: Double) throws(InferenceError) -> Float {
        let base = metadata.double(key) ?? value
        guard base > 1, base.isFinite else { throw .invalidMetadata(key: key, reason: "\(base) must be above 1") }
        return Float(base)
    }
}
