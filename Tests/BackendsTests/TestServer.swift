import Foundation
import Inference
import TestSupport
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

    /// Starts a llama-cpp-python server of our own on `port` (as scripts/llama-server.sh does) and
    /// waits until `/v1/models` answers. The caller terminates it. Spawned directly, not through the
    /// script: a server started in the background by a child script keeps Foundation's `Process`
    /// from ever reporting the script's exit.
    static func startServer(port: Int) async throws -> Process {
        let environment = ProcessInfo.processInfo.environment
        let model = TestModel.candidatePath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [environment["PYTHON"] ?? "python3", "-m", "llama_cpp.server", "--model", model,
                             "--host", "127.0.0.1", "--port", String(port), "--logits_all", "true",
                             "--n_threads", "1", "--n_threads_batch", "1", "--n_ctx", "2048"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = HTTPClient(configuration: configuration(URL(string: "http://127.0.0.1:\(port)")!))
        for _ in 0..<240 {
            if process.isRunning, (try? await client.get("/v1/models", retry: false)) != nil { return process }
            guard process.isRunning else { break }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        process.terminate()
        throw BackendError.invalidConfiguration("the test server on port \(port) did not start within 120 s")
    }

    /// A TCP port nothing listens on right now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let socket = try LoopbackSocket()
        close(socket.descriptor)
        return socket.port
    }

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
        let data = try Data(contentsOf: TestFiles.fixtures().appendingPathComponent("llamacpp_logprobs.json"))
        return try JSONDecoder().decode(LlamaCppReference.self, from: data)
    }
}
