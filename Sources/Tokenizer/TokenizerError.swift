/// Why a tokenizer cannot be built from a GGUF file.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required `tokenizer.ggml.*` key is absent.
    case missingMetadata(key: String)
    /// A key has the wrong type or an impossible value.
    case invalidMetadata(key: String, reason: String)
    /// `tokenizer.ggml.model` names a tokenizer other than byte-level BPE (`gpt2`).
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this implementation does not reproduce.
    case unsupportedPreTokenizer(String)

    public var description: String {
        switch self {
        case .missingMetadata(let key):
            return "tokenizer: missing metadata key '\(key)'"
        case .invalidMetadata(let key, let reason):
            return "tokenizer: invalid metadata '\(key)': \(reason)"
        case .unsupportedModel(let model):
            return "tokenizer: unsupported tokenizer model '\(model)' (only byte-level bpe 'gpt2' is implemented)"
        case .unsupportedPreTokenizer(let pre):
            return "tokenizer: unsupported pre-tokenizer '\(pre)' (implemented: smollm, gpt2, llama-bpe and its aliases)"
        }
    }
}
