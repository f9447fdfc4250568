import Foundation
import Inference
import Testing

/// The real embedded model for tests: `VSYNTH_MODEL`, else
/// `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf`. A missing file fails
/// the test with the command that fetches it; it never passes silently. One engine is shared by all
/// tests of the process (opening it maps the file; the engine runs one request at a time).
enum TestModel {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "model not found at \(path): run `vsynth model fetch` (or set VSYNTH_MODEL)" }
    }

    private static let shared: Result<EmbeddedLanguageModel, any Error> = {
        let path = ModelLocator.path()
        guard FileManager.default.fileExists(atPath: path) else { return .failure(Missing(path: path)) }
        return Result { try EmbeddedLanguageModel(path: path, threads: 0) }
    }()

    static func model() throws -> EmbeddedLanguageModel {
        try shared.get()
    }

    /// A new engine with an empty KV cache, as a new `vsynth` process has.
    static func freshModel() throws -> EmbeddedLanguageModel {
        let path = ModelLocator.path()
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return try EmbeddedLanguageModel(path: path, threads: 0)
    }
}
