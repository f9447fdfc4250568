import Foundation
import Inference
import Testing

/// The real default model for tests, found by the project's one rule (`ModelLocator`: `VSYNTH_MODEL`,
/// else `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf`), and the same model
/// requantized by llama.cpp (scripts/make-test-models.py, run by scripts/test.sh). A missing file fails
/// the test with the command that makes it; it never passes silently.
///
/// Opened models are shared by every test of the process: the weights are memory-mapped and
/// read-only, and each engine runs one request at a time.
public enum TestModel {
    /// What a test needs and is not there, with the command that provides it.
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var remedy: String
        public var description: String { "model not found at \(path): \(remedy)" }
    }

    /// Where the default model should be, whether or not it is there.
    public static var candidatePath: String { ModelLocator.path() }

    /// The default model's path; a missing file records a test failure and throws.
    public static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try recorded(existing(candidatePath, remedy: fetch), sourceLocation)
    }

    /// The directory of the requantized copies: `VSYNTH_TEST_MODELS`, else ~/.cache/vsynth/test-models.
    public static let requantizedDirectory = ProcessInfo.processInfo.environment["VSYNTH_TEST_MODELS"]
        ?? NSString(string: "~/.cache/vsynth/test-models").expandingTildeInPath

    /// The default model requantized by llama.cpp to `type` (a file type such as `Q4_K_M`); a missing
    /// file throws (the requantized tests are data-driven and say which case had no file).
    public static func requantizedPath(_ type: String) throws -> String {
        try existing("\(requantizedDirectory)/SmolLM2-135M-Instruct.\(type).gguf",
                     remedy: "run scripts/make-test-models.py (scripts/test.sh does)").get()
    }

    /// Where Gemma 3 270M should be (`vsynth model fetch gemma3-270m`, which scripts/test.sh runs),
    /// whether or not it is there.
    public static var gemma3CandidatePath: String { ModelLocator.modelsDirectory() + "/gemma-3-270m-q4_k_m.gguf" }

    /// Gemma 3 270M's path (SentencePiece, 262,144 tokens); throws, naming the fetch, when it is missing.
    public static func gemma3Path() throws -> String {
        try existing(gemma3CandidatePath, remedy: fetchGemma3).get()
    }

    /// Gemma 3 270M's path, or nil with a recorded failure (never a silent pass) when it is missing.
    public static func gemmaPath(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        try? recorded(existing(gemma3CandidatePath, remedy: fetchGemma3), sourceLocation)
    }

    // MARK: - Opened models

    /// One pool for all engine tests: 2 threads, as the benchmarks use.
    public static let pool = ThreadPool(threads: 2)

    private static let sharedWeights: Result<TransformerModel, any Error> =
        existing(candidatePath, remedy: fetch).flatMap { path in Result { try TransformerModel(path: path) } }

    private static let sharedModel: Result<EmbeddedLanguageModel, any Error> =
        existing(candidatePath, remedy: fetch).flatMap { path in Result { try EmbeddedLanguageModel(path: path, threads: 0) } }

    /// The default model's weights, opened once for the process.
    public static func weights(sourceLocation: SourceLocation = #_sourceLocation) throws -> TransformerModel {
        try recorded(sharedWeights, sourceLocation)
    }

    /// The weights of the default model requantized to `type`, or of the default model itself when nil.
    public static func weights(requantized type: String?) throws -> TransformerModel {
        guard let type else { return try weights() }
        return try TransformerModel(path: try requantizedPath(type))
    }

    /// A fresh inference session on the shared weights and pool.
    public static func session(contextLength: Int = 2048, batchCapacity: Int = 512) throws -> InferenceSession {
        InferenceSession(model: try weights(), pool: pool, contextLength: contextLength, batchCapacity: batchCapacity)
    }

    /// The embedded engine on the default model, opened once for the process.
    public static func model(sourceLocation: SourceLocation = #_sourceLocation) throws -> EmbeddedLanguageModel {
        try recorded(sharedModel, sourceLocation)
    }

    /// A new engine with an empty KV cache, as a new `vsynth` process has.
    public static func freshModel(sourceLocation: SourceLocation = #_sourceLocation) throws -> EmbeddedLanguageModel {
        try EmbeddedLanguageModel(path: try path(sourceLocation: sourceLocation), threads: 0)
    }

    // MARK: - Failures

    private static let fetchGemma3 = "run vsynth model fetch gemma3-270m (scripts/test.sh does)"
    private static let fetch = "run `vsynth model fetch` (scripts/test.sh does; or set VSYNTH_MODEL)"

    private static func existing(_ path: String, remedy: String) -> Result<String, any Error> {
        FileManager.default.fileExists(atPath: path) ? .success(path) : .failure(Missing(path: path, remedy: remedy))
    }

    /// The value, or the error recorded as a test failure (so a missing model never reads as a pass) and thrown.
    private static func recorded<T>(_ result: Result<T, any Error>, _ sourceLocation: SourceLocation) throws -> T {
        do {
            return try result.get()
        } catch {
            Issue.record(Comment(rawValue: "\(error)"), sourceLocation: sourceLocation)
            throw error
        }
    }
}
