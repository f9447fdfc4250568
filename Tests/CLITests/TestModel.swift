import CLI
import Testing

/// The real default model for tests that need it, found as every command finds it
/// (`VSYNTH_MODEL`, else `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf`).
/// A missing model fails the test with what to do; it never passes silently.
enum TestModel {
    static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        do {
            return try ModelStore().existingModel()
        } catch {
            Issue.record("the model is missing: \(error)\nrun 'vsynth model fetch' (or scripts/test.sh, which fetches it)",
                         sourceLocation: sourceLocation)
            throw error
        }
    }
}
