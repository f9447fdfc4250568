/// Why a tokenizer cannot be built from a GGUF file.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required `tokenizer.ggml.*` key is absent.
    case missingMetadata(key: String)
    /// A key has the wrong type or an impossible value.
    case invalidMetadata(key: String, reason: String)
    /// `tokenizer.ggml.model` names a tokenizer other than byte-level BPE (`gpt2`) or SentencePiece (`llama`).
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
            return "tokenizer: unsupported tokenizer.ggml.model '\(model)' (supported: 'gpt2' byte-level BPE, 'llama' SentencePiece)"
        case .unsupportedPreTokenizer(let pre):
            let names = PreTokenizer.supportedNames.joined(separator: ", ")
            return "tokenizer: unsupported pre-tokenizer tokenizer.ggml.pre = '\(pre)' (supported: \(names))"
        }
    }
}
