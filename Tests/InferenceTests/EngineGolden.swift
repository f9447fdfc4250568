import Foundation
import TestSupport

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
        let url = TestFiles.fixtures().appendingPathComponent(type.map { "engine-golden-\($0).json" } ?? "engine-golden.json")
        do {
            return try JSONDecoder().decode(EngineGolden.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read fixture \(url.path): \(error)")
        }
    }
}
