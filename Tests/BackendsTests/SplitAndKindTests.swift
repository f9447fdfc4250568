import Foundation
import LanguageModel
import Testing
@testable import Backends

/// Split roles, and pointing a backend at the wrong kind of server.
@Suite(.serialized) struct SplitAndKindTests {
    /// Generation goes to the generator, scores and tokens to the scorer; the identity names both.
    @Test func splitModelRoutesRolesAndNamesBoth() async throws {
        guard let url = TestServer.url(), let keyURL = TestServer.url("VSYNTH_TEST_OPENAI_KEY_URL") else { return }
        let generator = try await OpenAIBackend.connect(TestServer.configuration(url))
        let scorer = try await OpenAIBackend.connect(TestServer.configuration(keyURL, apiKeyVariable: "VSYNTH_TEST_OPENAI_KEY"))
        let split = try SplitLanguageModel(generator: generator, scorer: scorer)
        #expect(split.identity.backend == "split")
        #expect(split.identity.model.contains("generate=openai:") && split.identity.model.contains(" score=openai:"))
        #expect(split.identity.revision.contains(url.absoluteString) && split.identity.revision.contains(keyURL.absoluteString))
        let reference = try LlamaCppReference.load()
        let expected = try #require(reference.score.first)
        let scores = try await split.score(context: expected.context, continuations: [expected.continuation])
        #expect(scores.first?.tokenCount == expected.continuation_ids.count)
        #expect(abs((scores.first?.total ?? 0) - expected.logprobs.reduce(0, +)) < 0.05)
        let generated = try #require(reference.generate.first)
        let generation = try await split.generate(prompt: generated.prompt, options: GenerationOptions(maxTokens: 4))
        #expect(generated.text.hasPrefix(generation.text) && !generation.text.isEmpty)
    }

    @Test func splitModelRejectsDifferentTemplates() async throws {
        guard let url = TestServer.url() else { return }
        let chatML = try await OpenAIBackend.connect(TestServer.configuration(url))
        var other = TestServer.configuration(url)
        other.template = ChatTemplate(name: "plain", systemPrefix: "", userPrefix: "User: ", assistantPrefix: "Assistant: ",
                                      turnSuffix: "\n")
        let plain = try await OpenAIBackend.connect(other)
        #expect(throws: BackendError.self) { _ = try SplitLanguageModel(generator: plain, scorer: chatML) }
    }

    /// An OpenAI-compatible server is not an Ollama server: the error says so instead of a bare 404.
    @Test func ollamaBackendOnAnotherServerSaysSo() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.kind = .ollama
        await #expect {
            _ = try await Backend.connect(configuration)
        } throws: { error in
            guard case .httpStatus(_, 404, let message)? = error as? BackendError else { return false }
            return message.contains("no Ollama API here")
        }
    }

    /// llama-cpp-python serves /v1/models but not llama-server's /tokenize and /completion: the
    /// probe reports that it can neither tokenize nor generate, and scoring is unsupported.
    @Test func llamaServerProbeReportsWhatFails() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.kind = .llamaServer
        configuration.maxRetries = 0
        let backend = try await Backend.connect(configuration)
        let capabilities = await backend.capabilities()
        #expect(!capabilities.canScore && !capabilities.canTokenize && !capabilities.canGenerate, "\(capabilities.summary)")
        #expect(capabilities.identity.backend == "llama-server")
        await #expect(throws: BackendError.self) { _ = try await backend.score(context: "a", continuations: ["b"]) }
    }

    @Test func unknownBackendKindIsNamed() {
        #expect(throws: BackendError.invalidConfiguration("unknown backend 'vllm'; expected one of: openai, llama-server, ollama")) {
            _ = try Backend.kind("vllm")
        }
        #expect(throws: BackendError.self) { _ = try BackendConfiguration.url("ftp://x") }
    }
}
