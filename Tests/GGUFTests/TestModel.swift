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
}
