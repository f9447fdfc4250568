import Foundation
import Inference
import Testing

/// The real default model, found by the project's one rule (`ModelLocator`).
enum TestModel {
    static var candidatePath: String { ModelLocator.path() }

    /// The model's path; records a test failure (never a silent pass) when it is missing.
    static func path(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = candidatePath
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("model not found at \(path): run `vsynth model fetch` (or set VSYNTH_MODEL)",
                         sourceLocation: sourceLocation)
            return nil
        }
        return path
    }

    /// Gemma 3 270M (SentencePiece, 262,144 tokens) in the models directory; records a failure
    /// (never a silent pass) when it is missing.
    static func gemmaPath(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = ModelLocator.modelsDirectory() + "/gemma-3-270m-q4_k_m.gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("Gemma 3 270M not found at \(path)", sourceLocation: sourceLocation)
            return nil
        }
        return path
    }
}
