import Foundation
import LanguageModel
import Testing
@testable import Backends

/// Clear errors for the ways a server goes wrong: nothing listening, wrong API key, a server that
/// dies mid-request, cancellation, 5xx replies, malformed replies.
@Suite(.serialized) struct BackendErrorTests {
    @Test func connectionRefusedNamesTheURL() async throws {
        // Port 9 (discard) has no listener on the test machines.
        let configuration = BackendConfiguration(kind: .openai, baseURL: URL(string: "http://127.0.0.1:9")!, maxRetries: 0)
        await #expect {
            _ = try await OpenAIBackend.connect(configuration)
        } throws: { error in
            guard case .connectionRefused? = error as? BackendError else { return false }
            return "\(error)".contains("cannot connect to http://127.0.0.1:9/v1/models")
        }
    }

    @Test func missingAPIKeyVariableIsNamed() async throws {
        let configuration = BackendConfiguration(kind: .openai, baseURL: URL(string: "http://127.0.0.1:9")!,
                                                 apiKeyVariable: "VSYNTH_TEST_UNSET_KEY_VARIABLE")
        await #expect(throws: BackendError.missingAPIKey(variable: "VSYNTH_TEST_UNSET_KEY_VARIABLE")) {
            _ = try await OpenAIBackend.connect(configuration)
        }
    }

    /// A server started with `--api_key`: the right key connects, a wrong one gives 401 naming the
    /// variable, and the key itself never appears in the message.
    @Test func wrongAPIKeyIsUnauthorized() async throws {
        guard let url = TestServer.url("VSYNTH_TEST_OPENAI_KEY_URL") else { return }
        let key = try #require(ProcessInfo.processInfo.environment["VSYNTH_TEST_OPENAI_KEY"],
                               "VSYNTH_TEST_OPENAI_KEY must hold the key the server was started with")
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url, apiKeyVariable: "VSYNTH_TEST_OPENAI_KEY"))
        #expect(try await backend.tokenize("Hello").count > 0)
        let wrong = "wrong-\(key)-key"
        setenv("VSYNTH_TEST_WRONG_KEY", wrong, 1)
        await #expect {
            _ = try await OpenAIBackend.connect(TestServer.configuration(url, apiKeyVariable: "VSYNTH_TEST_WRONG_KEY"))
        } throws: { error in
            guard case let .unauthorized(_, status, variable)? = error as? BackendError else { return false }
            let message = "\(error)"
            return status == 401 && variable == "VSYNTH_TEST_WRONG_KEY" && message.contains("$VSYNTH_TEST_WRONG_KEY")
                && !message.contains(wrong)
        }
        await #expect {
            _ = try await OpenAIBackend.connect(TestServer.configuration(url))
        } throws: { error in
            guard case .unauthorized(_, 401, nil)? = error as? BackendError else { return false }
            return "\(error)".contains("needs an API key")
        }
    }

    /// A 500 from the real server (it rejects token-id prompts) is retried with backoff, then reported.
    @Test func serverErrorsAreRetriedThenReported() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.maxRetries = 2
        configuration.initialBackoff = 0.2
        let client = HTTPClient(configuration: configuration)
        let start = Date()
        await #expect {
            _ = try await client.post("/v1/completions", ["prompt": [1, 2], "max_tokens": 1])
        } throws: { error in
            guard case let .retriesExhausted(_, attempts, status, message)? = error as? BackendError else { return false }
            return attempts == 3 && status == 500 && message.contains("validation")
        }
        #expect(Date().timeIntervalSince(start) >= 0.6, "backoff 0.2 s then 0.4 s")
    }

    /// A reply slower than the configured timeout is `timedOut`, naming the URL and the limit.
    @Test func slowReplyTimesOut() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        var configuration = TestServer.configuration(url)
        configuration.requestTimeout = 0.3
        configuration.maxRetries = 0
        let client = HTTPClient(configuration: configuration)
        await #expect {
            _ = try await client.post("/v1/completions", [
                "model": backend.modelID, "prompt": "<|im_start|>user\nCount to one hundred.<|im_end|>\n<|im_start|>assistant\n",
                "max_tokens": 60, "temperature": 0,
            ])
        } throws: { error in
            guard case .timedOut(let where_, 0.3)? = error as? BackendError else { return false }
            return where_.hasSuffix("/v1/completions") && "\(error)".contains("within 0.3 s")
        }
    }

    /// Cancelling the task closes the request at once; the server keeps serving.
    @Test func cancellationClosesTheRequest() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let task = Task {
            try await backend.generate(prompt: "<|im_start|>user\nWrite a long story about a lighthouse.<|im_end|>\n<|im_start|>assistant\n",
                                       options: GenerationOptions(maxTokens: 120, temperature: 0.8, seed: 1))
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        let cancelledAt = Date()
        task.cancel()
        let result = await task.result
        #expect(Date().timeIntervalSince(cancelledAt) < 2)
        switch result {
        case .success: Issue.record("generation finished although it was cancelled")
        case let .failure(error): #expect(error is CancellationError, "\(error)")
        }
        let after = try await backend.generate(prompt: "Hello", options: GenerationOptions(maxTokens: 2))
        #expect(after.tokenCount > 0)
    }

    /// A server killed while a request is in flight gives `connectionLost`, not a hang or a crash.
    /// The test starts its own server (the shared one keeps serving the other tests).
    @Test func serverKilledMidRequestIsAClearError() async throws {
        guard TestServer.url() != nil else { return }
        let port = try TestServer.freePort()
        let server = try await TestServer.startServer(port: port)
        defer { server.terminate() }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(URL(string: "http://127.0.0.1:\(port)")!))
        let request = Task {
            try await backend.generate(prompt: "<|im_start|>user\nWrite a long story about a lighthouse.<|im_end|>\n<|im_start|>assistant\n",
                                       options: GenerationOptions(maxTokens: 400, temperature: 0.8, seed: 1))
        }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        kill(server.processIdentifier, SIGKILL)
        let result = await request.result
        guard case let .failure(error) = result else {
            Issue.record("generation succeeded although the server was killed")
            return
        }
        guard case let .connectionLost(url, _)? = error as? BackendError else {
            Issue.record("expected connectionLost, got \(error)")
            return
        }
        #expect(url.hasSuffix(":\(port)/v1/completions"))
        #expect("\(error)".contains("lost the connection to http://127.0.0.1:\(port)/v1/completions"))
    }

    @Test func malformedReplyNamesTheField() throws {
        let body = #"{"choices": [{"logprobs": {"token_logprobs": [null, "x"], "tokens": ["a", "b"]}}]}"#
        let reply = try JSONReply.parse(Data(body.utf8), url: "http://h/v1/completions")
        let entries = try reply["choices"].array()[0]["logprobs"]["token_logprobs"].array()
        #expect(try entries[0].optionalDouble() == nil)
        #expect(throws: BackendError.malformedReply(url: "http://h/v1/completions",
                                                    field: "choices[0].logprobs.token_logprobs[1]", problem: "is not a number")) {
            _ = try entries[1].optionalDouble()
        }
        #expect(throws: BackendError.malformedReply(url: "http://h/v1/completions", field: "usage", problem: "is missing")) {
            _ = try reply["usage"].object()
        }
        #expect(throws: BackendError.malformedReply(url: "http://h/v1/completions", field: "(body)", problem: "is not JSON: <html>")) {
            _ = try JSONReply.parse(Data("<html>".utf8), url: "http://h/v1/completions")
        }
    }
}
