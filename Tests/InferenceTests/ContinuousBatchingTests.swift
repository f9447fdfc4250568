import Foundation
import Inference
import LanguageModel
import Support
import TestSupport
import Testing

/// Concurrent `generate` calls on one engine are decoded together (GenerationBatch) and each gives the
/// text it gives alone; cancelling one leaves the others unchanged; a prompt sharing a prefix with a
/// cached sequence evaluates only the rest.
@Suite("Continuous batching", .serialized)
struct ContinuousBatchingTests {
    static func open(maxBatch: Int, path: String? = nil) throws -> EmbeddedLanguageModel {
        try EmbeddedLanguageModel(path: try path ?? TestModel.path(), threads: 2, contextLength: 512, maxBatch: maxBatch)
    }

    static let questions = [
        "Name three colours of the rainbow.",
        "Write one sentence about the sea.",
        "What is the capital of France? Answer in a sentence.",
        "Give me a word that rhymes with cat, and use it in a sentence.",
        "Describe a cup of coffee in a few words.",
        "List four animals that live in the forest.",
    ]

    /// Chat prompts: they share the turn markers, so later ones fork the cached prefix.
    static func prompt(_ question: String) -> String {
        ChatTemplate.chatML.userTurn(question) + ChatTemplate.chatML.assistantPrefix
    }

    /// Seeded sampling, each request its own seed.
    static func options(_ i: Int, maxTokens: Int = 24) -> GenerationOptions {
        GenerationOptions(maxTokens: maxTokens, temperature: 0.9, topK: 40, topP: 0.95, seed: UInt64(100 + i))
    }

    /// The generations one after another on an engine that runs one at a time.
    static func oneAtATime(_ prompts: [String], maxTokens: Int = 24) async throws -> [Generation] {
        let model = try open(maxBatch: 1)
        var results: [Generation] = []
        for (i, prompt) in prompts.enumerated() {
            results.append(try await model.generate(prompt: prompt, options: options(i, maxTokens: maxTokens)))
        }
        return results
    }

    @Test("seeded generations give the same text alone and decoded together")
    func concurrentEqualsAlone() async throws {
        let prompts = Self.questions.map(Self.prompt)
        let alone = try await Self.oneAtATime(prompts)
        let model = try Self.open(maxBatch: 4)
        let together = try await withThrowingTaskGroup(of: (Int, Generation).self) { group in
            for (i, prompt) in prompts.enumerated() {
                group.addTask { (i, try await model.generate(prompt: prompt, options: Self.options(i))) }
            }
            var results = [Generation?](repeating: nil, count: prompts.count)
            for try await (i, generation) in group { results[i] = generation }
            return results.map { $0! }
        }
        for (i, (a, b)) in zip(alone, together).enumerated() {
            #expect(a == b, "request \(i): alone \(a.text.debugDescription), together \(b.text.debugDescription)")
        }
        let statistics = try await model.batchStatistics()
        #expect(statistics.largestStep > 1, "the generations were decoded together")
        #expect(statistics.largestStep <= 4, "at most maxBatch at a time")
        #expect(statistics.decodedRows > statistics.decodeSteps)
    }

    @Test("cancelling one of four concurrent generations leaves the other three unchanged")
    func cancellingOneLeavesTheOthers() async throws {
        let prompts = Array(Self.questions.prefix(4)).map(Self.prompt)
        let alone = try await Self.oneAtATime(prompts, maxTokens: 40)
        let model = try Self.open(maxBatch: 8)
        let victim = 1
        try #require(alone[victim].tokenCount >= 10, "the victim must still be running after its first piece of text")
        let gate = FirstTextGate()
        let tasks = prompts.enumerated().map { i, prompt in
            Task {
                try await model.generate(prompt: prompt, options: Self.options(i, maxTokens: 40)) { text in
                    if i == victim { gate.onText(text) }
                }
            }
        }
        try await gate.waitForFirstText()
        tasks[victim].cancel()
        gate.release()
        await #expect(throws: LanguageModelError.cancelled) { _ = try await tasks[victim].value }
        for i in prompts.indices where i != victim {
            let generation = try await tasks[i].value
            #expect(generation == alone[i], "request \(i) changed when request \(victim) was cancelled")
        }
    }

    /// The default model's rows have one batch's numbers in any split into batches of two or more
    /// (BatchInvarianceTests): a prompt forks the longest reusable prefix. A K-quant file's do not
    /// (`numbersDependOnBatching`): it forks whole prompt blocks only. Either way the numbers are a
    /// fresh engine's, and decoded rows (one-token arithmetic) are never forked.
    @Test("a prompt that extends a cached sequence forks its reusable prefix, with the numbers of a fresh engine",
          arguments: [nil, "Q4_K_M"])
    func sharedPrefixIsForked(requantized: String?) async throws {
        let path = try requantized.map(TestModel.requantizedPath) ?? TestModel.path()
        let model = try Self.open(maxBatch: 8, path: path)
        let blocks = model.model.weights.numbersDependOnBatching
        #expect(blocks == (requantized != nil))
        let tokenizer = model.tokenizer
        let story = "Tell me a long story about a lighthouse keeper, his old dog, the fishing boats of the harbour, "
            + "the winter storms that came from the north every year, and the night the great lamp went out. "
            + "Say how the keeper climbed the tower in the dark, what he found at the top, who helped him "
            + "light it again, and what the captains in the harbour said about him the next morning."
        let base = tokenizer.encode(Self.prompt(story), parseSpecial: true, addBOS: false)
        let longer = base + tokenizer.encode(" And the sea was quiet that night.", parseSpecial: false, addBOS: false)
        let block = InferenceSequence.reuseBlock
        #expect(base.count > block && base.count % block != 0, "the base prompt must hold a whole block and a partial one")
        let started = StreamedText()
        let first = Task {
            try await model.generate(tokens: base, options: GenerationOptions(maxTokens: 48)) { started.append($0) }
        }
        // The second request arrives while the first runs: its prompt forks the first's prompt (on a
        // K-quant file its whole blocks only), and evaluates the rest itself.
        while started.text.isEmpty { try await Task.sleep(nanoseconds: 2_000_000) }
        let second = try await model.generate(tokens: longer, options: GenerationOptions(maxTokens: 6))
        let told = try await first.value
        var statistics = try await model.batchStatistics()
        let forked = blocks ? InferenceSequence.tailStart(ofPrompt: base.count) : base.count
        #expect(forked > 0 && (!blocks || forked % block == 0))
        #expect(statistics.reusedPromptTokens == forked)
        #expect(statistics.evaluatedPromptTokens == base.count + longer.count - forked)
        #expect(second == (try await Self.open(maxBatch: 1, path: path).generate(tokens: longer, options: GenerationOptions(maxTokens: 6))))

        // A prompt that goes on after the first's generated text: the decoded rows are never forked
        // (their one-token arithmetic differs from prompt rows), so it forks the first's prompt again.
        let continued = base + tokenizer.encode(told.text + " Then what happened?", parseSpecial: false, addBOS: false)
        let third = try await model.generate(tokens: continued, options: GenerationOptions(maxTokens: 6))
        statistics = try await model.batchStatistics()
        let reusedByThird = statistics.reusedPromptTokens - forked
        if blocks {
            #expect(reusedByThird > 0 && reusedByThird % block == 0 && reusedByThird <= base.count)
        } else {
            #expect(reusedByThird == base.count)
        }
        #expect(third == (try await Self.open(maxBatch: 1, path: path).generate(tokens: continued, options: GenerationOptions(maxTokens: 6))))
    }
}
