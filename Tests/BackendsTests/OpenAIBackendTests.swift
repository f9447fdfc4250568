import Foundation
import LanguageModel
import Testing
@testable import Backends

/// The `openai` backend against a real llama-cpp-python 0.3.36 server running the embedded model's GGUF.
@Suite(.serialized) struct OpenAIBackendTests {
    @Test func tokenizesLikeLlamaCpp() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        for entry in try LlamaCppReference.load().tokenize {
            #expect(try await backend.tokenize(entry.text) == entry.ids, "\(entry.text)")
        }
    }

    @Test func probeFindsScoringTokenizerAndModel() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let capabilities = await backend.capabilities()
        #expect(capabilities.canTokenize && capabilities.canScore && capabilities.canGenerate, "\(capabilities.summary)")
        #expect(capabilities.identity.backend == "openai")
        #expect(capabilities.identity.model.hasSuffix("SmolLM2-135M-Instruct.Q4_1.gguf"))
    }

    /// llama-cpp-python shifts its echoed log-probabilities by one token when the prompt does not
    /// start with the BOS id (here: a plain template with no special tokens). The probe must catch
    /// that and refuse to score rather than return wrong numbers.
    @Test func probeRefusesMisalignedEcho() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.template = ChatTemplate(name: "plain", systemPrefix: "System: ", userPrefix: "User: ",
                                              assistantPrefix: "Assistant: ", turnSuffix: "\n")
        let backend = try await OpenAIBackend.connect(configuration)
        let capabilities = await backend.capabilities()
        #expect(!capabilities.canScore)
        #expect(capabilities.notes.contains { $0.contains("misaligned") }, "\(capabilities.notes)")
        await #expect(throws: BackendError.self) { _ = try await backend.score(context: "System: Hi\n", continuations: ["User: a\n"]) }
    }

    /// Per-token ln p of demonstrations in the V-Score frame (docs/method.md), under a task context and the null context,
    /// agree with llama.cpp's own numbers within 0.02 nats per token, turn markers included.
    @Test func scoresAgreeWithLlamaCppPerToken() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let reference = try LlamaCppReference.load()
        let contexts = Array(Set(reference.score.map(\.context))).sorted()
        var worst = 0.0
        for context in contexts {
            let cases = reference.score.filter { $0.context == context }
            let scores = try await backend.score(context: context, continuations: cases.map(\.continuation))
            try #require(scores.count == cases.count)
            for (score, expected) in zip(scores, cases) {
                #expect(score.tokenCount == expected.continuation_ids.count)
                for (index, (got, want)) in zip(score.tokenLogprobs, expected.logprobs).enumerated() {
                    worst = max(worst, abs(got - want))
                    #expect(abs(got - want) <= 0.02, "token \(index) of \(expected.continuation.debugDescription): \(got) vs llama.cpp \(want)")
                }
                #expect(abs(score.total - expected.logprobs.reduce(0, +)) <= 0.2)
            }
        }
        print("openai backend vs llama.cpp: worst per-token |Δ ln p| = \(worst)")
    }

    @Test func greedyGenerationMatchesLlamaCpp() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let expected = try #require(try LlamaCppReference.load().generate.first)
        let generation = try await backend.generate(prompt: expected.prompt,
                                                    options: GenerationOptions(maxTokens: expected.ids.count, temperature: 0))
        #expect(generation.text == expected.text)
        #expect(generation.tokenCount == expected.ids.count)
        #expect(generation.finishReason == .length)
    }

    @Test func stopStringEndsGeneration() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let expected = try #require(try LlamaCppReference.load().generate.first)
        let generation = try await backend.generate(prompt: expected.prompt,
                                                    options: GenerationOptions(maxTokens: 16, temperature: 0, stop: [" days"]))
        #expect(generation.text == "The battery lasts two")
        #expect(generation.finishReason == .stop)
    }

    @Test func unknownModelIsAClearError() async throws {
        guard let url = TestServer.url() else { return }
        await #expect {
            _ = try await OpenAIBackend.connect(TestServer.configuration(url, model: "no-such-model"))
        } throws: { error in
            guard case let BackendError.unknownModel(_, model, available)? = error as? BackendError else { return false }
            return model == "no-such-model" && available.contains { $0.hasSuffix("SmolLM2-135M-Instruct.Q4_1.gguf") }
                && "\(error)".contains("does not serve model 'no-such-model'")
        }
    }
}
