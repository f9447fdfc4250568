import Foundation
import Testing
@testable import Backends

/// Log-probabilities from a server are checked before they reach a V-Score: a value that is not
/// finite and at most 0 (1e308, a positive number, -1e308 whose sum overflows) is an error naming
/// the server and the JSON field, never a NaN score.
@Suite struct LogprobValidationTests {
    /// A fake OpenAI-compatible server: one token per character (id = the character's code), and an
    /// echo whose continuation tokens all read `value`.
    static func openAIServer(value: Double) throws -> FakeHTTPServer {
        try FakeHTTPServer { request in
            let body = request.json ?? [:]
            switch request.path {
            case "/extras/tokenize":
                return .json(["tokens": ((body["input"] as? String) ?? "").unicodeScalars.map { Int($0.value) }])
            case "/v1/completions":
                let prompt = (body["prompt"] as? [Int]) ?? []
                let values: [Any] = [NSNull()] + Array(repeating: value, count: max(0, prompt.count))
                return .json(["choices": [["text": "x", "logprobs": ["token_logprobs": values,
                                                                      "tokens": values.map { _ in "t" }]]],
                              "usage": ["completion_tokens": 1]])
            default:
                return .text(status: 404, body: "{}")
            }
        }
    }

    static func openAIBackend(_ server: FakeHTTPServer) -> OpenAIBackend {
        let configuration = BackendConfiguration(kind: .openai, baseURL: server.url, maxRetries: 0)
        return OpenAIBackend(configuration: configuration, client: HTTPClient(configuration: configuration), modelID: "m",
                             tokenizerEndpoint: .extras, tokenizerPrefix: [], acceptsTokenIDs: true, layout: .complete,
                             generationWorks: true, notes: [])
    }

    @Test(arguments: [1e308, 0.5, -1e308])
    func impossibleEchoedLogprobIsRejected(value: Double) async throws {
        let server = try Self.openAIServer(value: value)
        await #expect {
            _ = try await Self.openAIBackend(server).score(context: "ab", continuations: ["cd"])
        } throws: { error in
            guard case let .malformedReply(url, field, problem)? = error as? BackendError else { return false }
            return url == "http://127.0.0.1:\(server.port)/v1/completions"
                && field.hasPrefix("choices[0].logprobs.token_logprobs[") && problem.contains("log-probability")
        }
    }

    /// Rounding on a server may give a log-probability a hair above 0: read as 0, not an error.
    @Test func roundingAboveZeroIsZero() async throws {
        let server = try Self.openAIServer(value: 1e-7)
        let scores = try await Self.openAIBackend(server).score(context: "ab", continuations: ["cd"])
        #expect(scores.first?.tokenLogprobs == [0, 0])
    }

    /// llama-server's forced decoding: each entry's `logprob` is checked the same way.
    @Test(arguments: [3.0, 1e308, -1e308])
    func impossibleForcedLogprobIsRejected(value: Double) async throws {
        let server = try FakeHTTPServer { request in
            let grammar = (request.json?["grammar"] as? String) ?? ""
            let ids = grammar.split(separator: "<").dropFirst().compactMap { Int($0.dropFirst().prefix { $0.isNumber }) }
            return .json(["completion_probabilities": ids.map { ["id": $0, "logprob": value, "token": "t"] }])
        }
        let client = HTTPClient(configuration: BackendConfiguration(kind: .llamaServer, baseURL: server.url, maxRetries: 0))
        await #expect {
            _ = try await LlamaServerBackend.forcedScore(client: client, contextIDs: [1, 2], continuationIDs: [5, 6],
                                                         endOfGeneration: [])
        } throws: { error in
            guard case let .malformedReply(url, field, problem)? = error as? BackendError else { return false }
            return url.hasSuffix("/completion") && field == "completion_probabilities[0].logprob"
                && problem.contains("log-probability")
        }
    }

    /// A count the server reports must be a count: a negative one was a trap in a range before.
    @Test func negativeCountIsRejected() async throws {
        let server = try FakeHTTPServer { _ in
            .json(["choices": [["text": "x", "logprobs": ["token_logprobs": [NSNull(), -1.0], "tokens": ["a", "b"]]]],
                   "usage": ["completion_tokens": -5]])
        }
        let client = HTTPClient(configuration: BackendConfiguration(kind: .openai, baseURL: server.url, maxRetries: 0))
        await #expect {
            _ = try await EchoedLogprobs.request(client: client, model: "m", prompt: [1, 2])
        } throws: { error in
            guard case let .malformedReply(_, field, _)? = error as? BackendError else { return false }
            return field == "usage.completion_tokens"
        }
    }
}
