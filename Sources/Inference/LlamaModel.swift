import GGUF
import Tokenizer

/// A Llama-architecture GGUF model opened for inference: the memory-mapped file, its configuration,
/// weight views and tokenizer. Immutable and shareable; evaluation state lives in `InferenceSession`.
public final class LlamaModel: @unchecked Sendable {
    /// The GGUF file as given.
    public let path: String
    public let file: GGUFFile
    public let config: LlamaConfig
    public let weights: LlamaWeights
    public let tokenizer: Tokenizer

    /// Opens and checks the model; errors are `GGUFError`, `TokenizerError` or `InferenceError`.
    public init(path: String) throws {
        self.path = path
        file = try GGUFFile(path: path)
        let embeddingRows = file.tensor(named: "token_embd.weight").flatMap { $0.dimensions.count >= 2 ? $0.dimensions[1] : nil }
        config = try LlamaConfig(metadata: file.metadata, embeddingRows: embeddingRows)
        weights = try LlamaWeights(file: file, config: config)
        tokenizer = try Tokenizer(gguf: file)
    }

    /// The file name without directories, the model's name in `ModelIdentity`.
    public var fileName: String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
