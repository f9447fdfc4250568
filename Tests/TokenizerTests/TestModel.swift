import Foundation
import Testing

/// Finds the real default model as `ModelLocator` does: `VSYNTH_MODEL`, else
/// `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf`.
enum TestModel {
    static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static var candidatePath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["VSYNTH_MODEL"], !path.isEmpty { return path }
        let directory = environment["VSYNTH_MODELS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/vsynth/models")
        return (directory as NSString).appendingPathComponent(fileName)
    }

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
