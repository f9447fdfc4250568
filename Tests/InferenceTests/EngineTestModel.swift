import Foundation
import Inference
import LanguageModel
import Testing

/// The real model for engine tests, found the way the CLI finds it (`ModelLocator`). A missing file
/// fails the test with instructions; it never passes silently.
enum EngineTestModel {
    /// Opened once for the whole test target (the weights are memory-mapped and read-only).
    static let shared: Result<TransformerModel, Error> = Result {
        let path = try ModelLocator.existingPath()
        return try TransformerModel(path: path)
    }

    /// One pool for all tests: 2 threads, as the benchmarks use.
    static let pool = ThreadPool(threads: 2)

    /// The model, or a recorded failure saying how to fetch it.
    static func model(sourceLocation: SourceLocation = #_sourceLocation) throws -> TransformerModel {
        switch shared {
        case let .success(model): return model
        case let .failure(error):
            Issue.record("the model is missing or unreadable (\(error)); run 'vsynth model fetch' or set VSYNTH_MODEL",
                         sourceLocation: sourceLocation)
            throw error
        }
    }

    /// A fresh session on the shared model.
    static func session(contextLength: Int = 2048, batchCapacity: Int = 512) throws -> InferenceSession {
        InferenceSession(model: try model(), pool: pool, contextLength: contextLength, batchCapacity: batchCapacity)
    }

    /// The default model requantized by llama.cpp to `type` (scripts/make-test-models.py, run by
    /// scripts/test.sh; KernelRequantizedTests.directory), or nil for the default model itself.
    static func model(requantized type: String?) throws -> TransformerModel {
        guard let type else { return try model() }
        let path = "\(KernelRequantizedTests.directory)/SmolLM2-135M-Instruct.\(type).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            throw KernelTestFailure("no \(path): run scripts/make-test-models.py (scripts/test.sh does)")
        }
        return try TransformerModel(path: path)
    }

    /// Gemma 3 270M in the models directory (scripts/fetch-gemma3-270m.sh, run by scripts/test.sh).
    static func gemma3Path() throws -> String {
        let path = ModelLocator.modelsDirectory() + "/gemma-3-270m-q4_k_m.gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            throw KernelTestFailure("no \(path): run scripts/fetch-gemma3-270m.sh (scripts/test.sh does)")
        }
        return path
    }

    /// The directory of this file's fixtures.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
}

/// engine-golden.json (the default model) and engine-golden-TYPE.json (the default model requantized to
/// TYPE), written by shared/reference/llamacpp_logprobs.py from Fixtures/engine-cases.json.
struct EngineGolden: Decodable {
    struct Score: Decodable {
        var context: String
        var continuation: String
        var context_ids: [Int32]
        var continuation_ids: [Int32]
        var logprobs: [Double]
        /// Per position, the top five (token id, ln p) pairs; decoded as arrays of numbers.
        var top5: [[[Double]]]
    }
    struct Generate: Decodable {
        var prompt: String
        var ids: [Int32]
        var text: String
    }
    /// Texts tokenized by llama.cpp (the Gemma 3 fixture: its generation prompts, run by token ids).
    struct Tokenized: Decodable {
        var text: String
        var ids: [Int32]
    }
    var model: String
    var tokenize: [Tokenized]?
    var score: [Score]
    var generate: [Generate]

    static let shared = load(requantized: nil)

    /// The fixture of the default model, or of the default model requantized to `type`.
    static func load(requantized type: String?) -> EngineGolden {
        let url = EngineTestModel.fixtures.appendingPathComponent(type.map { "engine-golden-\($0).json" } ?? "engine-golden.json")
        do {
            return try JSONDecoder().decode(EngineGolden.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read fixture \(url.path): \(error)")
        }
    }
}
