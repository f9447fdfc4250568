import GGUF
import Tokenizer

/// A GGUF transformer of one of the supported architectures (`Architecture`) opened for inference:
/// the memory-mapped file, its configuration, weight views and tokenizer. Immutable and shareable;
/// evaluation state lives in `InferenceSession`.
public final class TransformerModel: @unchecked Sendable {
    /// The GGUF file as given.
    public let path: String
    public let file: GGUFFile
    public let config: TransformerConfig
    public let weights: TransformerWeights
    /// Nil only for a model opened with `requiresTokenizer: false` whose vocabulary the tokenizer
    /// does not read (`tokenizerError` says why); such a model is evaluated by token ids.
    public let tokenizer: Tokenizer!
    /// Why `tokenizer` is nil.
    public let tokenizerError: TokenizerError?

    /// Opens and checks the model; errors are `GGUFError`, `TokenizerError` or `InferenceError`.
    /// - Parameter requiresTokenizer: false to open a model whose tokenizer is not supported yet, to
    ///   evaluate it by token ids (`vsynth logprobs --context-ids`, the engine's tensor comparisons).
    public init(path: String, requiresTokenizer: Bool = true) throws {
        self.path = path
        let file = try GGUFFile(path: path)
        self.file = file
        let embeddingRows = file.tensor(named: "token_embd.weight").flatMap { $0.dimensions.count >= 2 ? $0.dimensions[1] : nil }
        config = try TransformerConfig(metadata: file.metadata, embeddingRows: embeddingRows)
        weights = try TransformerWeights(file: file, config: config)
        let loaded = Result { () throws(TokenizerError) in try Tokenizer(gguf: file) }
        if case .failure(let error) = loaded, requiresTokenizer { throw error }
        tokenizer = try? loaded.get()
        tokenizerError = if case .failure(let error) = loaded { error } else { nil }
    }

    /// The file name without directories, the model's name in `ModelIdentity`.
    public var fileName: String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
