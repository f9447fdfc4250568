import Foundation
import Testing
@testable import Backends

/// Finds the llama-cpp-python servers the tests talk to. `scripts/test.sh` starts them with
/// `scripts/llama-server.sh` and exports:
///   VSYNTH_TEST_OPENAI_URL      a server without an API key
///   VSYNTH_TEST_OPENAI_KEY_URL  a server started with `--api-key $VSYNTH_TEST_OPENAI_KEY`
/// Missing variables fail the test under CI (CI=true) and skip it, with a message, elsewhere.
enum TestServer {
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return value == "true" || value == "1"
    }

    /// The URL in `variable`, or nil after recording a failure (CI) or printing a skip notice (local).
    static func url(_ variable: String = "VSYNTH_TEST_OPENAI_URL", sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
        if let text = ProcessInfo.processInfo.environment[variable], let url = URL(string: text) { return url }
        let message = "\(variable) is not set: start a server with 'scripts/llama-server.sh start PORT' and export \(variable)=http://127.0.0.1:PORT (scripts/test.sh does this)"
        if isCI {
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        } else {
            FileHandle.standardError.write(Data("SKIPPED (local run): \(message)\n".utf8))
        }
        return nil
    }

    static func configuration(_ url: URL, model: String? = nil, apiKeyVariable: String? = nil) -> BackendConfiguration {
        BackendConfiguration(kind: .openai, baseURL: url, model: model, apiKeyVariable: apiKeyVariable,
                             requestTimeout: 120, maxRetries: 1, initialBackoff: 0.2)
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// The golden numbers from llama.cpp (`/work/shared/reference/llamacpp_logprobs.py` run on
/// `Fixtures/llamacpp_cases.json`): token ids, per-token ln p, a greedy generation.
struct LlamaCppReference: Decodable {
    struct Tokenized: Decodable { var text: String; var ids: [Int32] }
    struct Scored: Decodable {
        var context: String
        var continuation: String
        var context_ids: [Int32]
        var continuation_ids: [Int32]
        var logprobs: [Double]
    }
    struct Generated: Decodable { var prompt: String; var ids: [Int32]; var text: String }
    var tokenize: [Tokenized]
    var score: [Scored]
    var generate: [Generated]

    static func load() throws -> LlamaCppReference {
        let data = try Data(contentsOf: TestServer.fixtures.appendingPathComponent("llamacpp_logprobs.json"))
        return try JSONDecoder().decode(LlamaCppReference.self, from: data)
    }
}
