/// The model families the engine runs, by their GGUF `general.architecture` name. Each is a set of
/// features (`TransformerConfig.Features`), as llama.cpp's one file per model (src/models/*.cpp) builds
/// its graph from the shared blocks; the engine's forward pass for each family is in
/// `InferenceSession+LlamaForward.swift` (llama, qwen2, qwen3) and `InferenceSession+Gemma3Forward.swift`.
public enum Architecture: String, Sendable, CaseIterable, Equatable {
    /// Llama 2/3.x, SmolLM2, Mistral-style GQA: pre-norm, adjacent-pair RoPE (with `rope_freqs`
    /// factors for Llama 3), SwiGLU.
    case llama
    /// Qwen 2 / 2.5: llama plus Q, K and V biases, NEOX RoPE.
    case qwen2
    /// Qwen 3: llama plus per-head RMSNorm of Q and K before RoPE, NEOX RoPE.
    case qwen3
    /// Gemma 3: embeddings × √dim, Q/K norm, norms before and after attention and the FFN, GeGLU,
    /// local (sliding-window) layers with their own RoPE base between global ones, NEOX RoPE.
    case gemma3

    /// The names `general.architecture` may hold, for error messages.
    public static var supportedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Which elements of a head RoPE rotates together (llama.cpp's `rope_type`).
public enum RopeLayout: String, Sendable, Equatable {
    /// GGML_ROPE_TYPE_NORMAL: adjacent pairs (x[2i], x[2i+1]) (Llama).
    case adjacentPairs
    /// GGML_ROPE_TYPE_NEOX: the two halves, (x[i], x[i + d/2]) (Qwen, Gemma).
    case halves
}

/// The gated feed-forward activation: out = act(x·Wgateᵀ) ⊙ x·Wupᵀ.
public enum FeedForwardActivation: String, Sendable, Equatable {
    /// silu(g) = g / (1 + e^-g) (Llama, Qwen).
    case swiglu
    /// GELU with the tanh approximation, through ggml's F16 table (Gemma).
    case geglu
}
