import Foundation
import Inference
import LanguageModel
import Support
import TestSupport
import Testing

/// The `LanguageModel` face of the engine: identity, template, scoring and generation through the
/// engine thread, cancellation.
@Suite(.serialized)
struct EmbeddedLanguageModelTests {
    static func open() throws -> EmbeddedLanguageModel {
        try EmbeddedLanguageModel(path: try TestModel.path(), threads: 2, contextLength: 1024)
    }

    @Test func identityTemplateAndConfig() throws {
        let model = try Self.open()
        #expect(model.identity.backend == "embedded")
        #expect(model.identity.model == ModelLocator.defaultFileName)
        #expect(model.identity.revision.hasPrefix("\(model.model.file.fileSize)-"))
        #expect(model.template == .chatML)
        let config = model.config
        #expect(config.layerCount == 30 && config.dim == 576 && config.ffnDim == 1536)
        #expect(config.headCount == 9 && config.kvHeadCount == 3 && config.headDim == 64)
        #expect(config.ropeDimensions == 64 && config.ropeFreqBase == 100000 && config.vocabularySize == 49152)
        #expect(model.model.weights.outputIsTied)
        print("model load: \(model.loadSeconds * 1000) ms")
    }

    @Test func protocolScoresEqualSessionScores() async throws {
        let model = try Self.open()
        let context = ChatTemplate.chatML.systemTurn("Say whether the integer is even or odd.")
        let demos = ["4" : "even", "17": "odd"].map { ChatTemplate.chatML.userTurn("Number: \($0.key)") + ChatTemplate.chatML.assistantTurn("Parity: \($0.value)") }
        let scores = try await model.score(context: context, continuations: demos)
        #expect(scores.count == 2)
        for (score, demo) in zip(scores, demos) {
            let detail = try await model.logprobs(context: context, continuation: demo)
            #expect(score.tokenLogprobs == detail.map(\.logprob))
            #expect(score.tokenTexts.joined() == demo)
            #expect(score.total < 0)
        }
        let tokens = try await model.tokenize("<|im_start|>user\nhi<|im_end|>")
        #expect(tokens.first == 1 && tokens.last == 2)
    }

    @Test func generationStreamsAndStopsAtStopStrings() async throws {
        let model = try Self.open()
        let prompt = ChatTemplate.chatML.userTurn("Count from one to ten in words, separated by commas.") + ChatTemplate.chatML.assistantPrefix
        let streamed = StreamedText()
        let full = try await model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 40)) { streamed.append($0) }
        #expect(full.text == streamed.text)
        #expect(full.tokenCount > 0)
        // From a cleared cache, so the prompt is evaluated exactly as the first time.
        try await model.withSession { $0.reset() }
        // Stop at the third word of the full answer: the text ends just before its first occurrence.
        let words = full.text.split(separator: " ")
        try #require(words.count >= 3, "answer too short: \(full.text)")
        let stop = " " + words[2]
        let stopped = try await model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 40, stop: [String(stop)]))
        #expect(stopped.finishReason == .stop)
        #expect(stopped.text == String(full.text[..<full.text.range(of: stop)!.lowerBound]))
        let short = try await model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 3))
        #expect(short.tokenCount == 3 && short.finishReason == .length)
        // Sampled generation with a seed reproduces itself.
        let options = GenerationOptions(maxTokens: 12, temperature: 0.9, topK: 40, topP: 0.95, minP: 0.05, seed: 11)
        let first = try await model.generate(prompt: prompt, options: options)
        let second = try await model.generate(prompt: prompt, options: options)
        #expect(first == second)
    }

    @Test func cancellationStopsGeneration() async throws {
        let model = try Self.open()
        let prompt = ChatTemplate.chatML.userTurn("Write a very long story about a dragon.") + ChatTemplate.chatML.assistantPrefix
        let gate = FirstTextGate()
        let task = Task {
            try await model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 900, temperature: 1, seed: 1)) { gate.onText($0) }
        }
        try await gate.waitForFirstText()
        task.cancel()
        gate.release()
        await #expect(throws: LanguageModelError.cancelled) { _ = try await task.value }
        // The engine is still usable afterwards.
        let after = try await model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 2))
        #expect(after.tokenCount == 2)
    }

    @Test func locatorOrder() {
        #expect(ModelLocator.path(explicit: "/x.gguf", environment: ["VSYNTH_MODEL": "/y.gguf"]) == "/x.gguf")
        #expect(ModelLocator.path(environment: ["VSYNTH_MODEL": "/y.gguf", "VSYNTH_MODELS": "/m"]) == "/y.gguf")
        #expect(ModelLocator.path(environment: ["VSYNTH_MODELS": "/m"]) == "/m/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(ModelLocator.path(environment: ["HOME": "/home/u"]) == "/home/u/.cache/vsynth/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        // A leading ~/ is expanded, as the CLI's ModelStore (which asks ModelLocator) always did.
        #expect(ModelLocator.path(environment: ["VSYNTH_MODEL": "~/m.gguf", "HOME": "/home/u"]) == "/home/u/m.gguf")
        #expect(ModelLocator.path(environment: ["VSYNTH_MODELS": "~/models", "HOME": "/home/u"]) == "/home/u/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(throws: InferenceError.modelNotFound(path: "/nonexistent/m.gguf")) {
            _ = try ModelLocator.existingPath(explicit: "/nonexistent/m.gguf")
        }
    }

    @Test func badFilesGiveErrorsNotCrashes() throws {
        let directory = try TemporaryDirectory("not-a-model")
        defer { directory.remove() }
        let path = try directory.write("GGUF but not really", to: "m.gguf")
        #expect(throws: (any Error).self) { _ = try EmbeddedLanguageModel(path: path) }
    }
}

/// Text collected from the engine thread.
final class StreamedText: Sendable {
    private let collected = Locked("")
    func append(_ piece: String) { collected.withLock { $0 += piece } }
    var text: String { collected.withLock { $0 } }
}
