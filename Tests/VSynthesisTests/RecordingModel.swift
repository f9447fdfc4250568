import Foundation
import LanguageModel
@testable import VSynthesis

/// A deterministic stand-in for unit tests of bookkeeping (caching, batching, parsing, filters):
/// a token is a character, its ln p is a fixed function of the character and of whether the context
/// mentions it. It stands in for no feature: every model-facing feature is tested on the real model.
final class RecordingModel: LanguageModel, @unchecked Sendable {
    let identity: ModelIdentity
    let template = ChatTemplate.chatML
    private let lock = NSLock()
    private var calls: [(context: String, count: Int)] = []
    /// (input, output) pairs handed out in order (cycled) by the two-step generation, for tests of
    /// the synthesis loop's bookkeeping. An empty input makes the first step produce nothing. An output
    /// step follows the latest input step, so a test that counts what an unlabelled script writes runs
    /// a round's slots one at a time (`SynthesisOptions.parallelism = 1`): concurrent slots would
    /// take the pairs, and pair inputs with outputs, in whatever order they are scheduled.
    var scriptedPairs: [(input: String, output: String)] = []
    private var pairIndex = 0
    private var lastInputPrompt: String?
    private var lastPair: (input: String, output: String)?

    init(name: String = "recording") {
        identity = ModelIdentity(backend: "test", model: name, revision: "1")
    }

    private var generations: [String] = []

    var scoreCalls: [(context: String, count: Int)] { lock.withLock { calls } }
    /// Every prompt `generate` was given, in order.
    var generatePrompts: [String] { lock.withLock { generations } }

    func tokenize(_ text: String) async throws -> [Int32] {
        text.unicodeScalars.map { Int32($0.value) }
    }

    func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        lock.withLock { calls.append((context, continuations.count)) }
        let contextCharacters = Set(context.lowercased())
        return continuations.map { text in
            let characters = Array(text)
            let logprobs = characters.map { c -> Double in
                let base = -Double((c.asciiValue ?? 200) % 7) / 2 - 0.25
                return contextCharacters.contains(Character(c.lowercased())) ? base / 2 : base
            }
            return ContinuationScore(tokenLogprobs: logprobs, tokenTexts: characters.map(String.init))
        }
    }

    func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        let text: String = lock.withLock {
            generations.append(prompt)
            if let previous = lastInputPrompt, prompt.hasPrefix(previous), prompt != previous, let pair = lastPair {
                lastInputPrompt = nil
                return " " + pair.output
            }
            guard !scriptedPairs.isEmpty else { return "" }
            let pair = scriptedPairs[pairIndex % scriptedPairs.count]
            pairIndex += 1
            lastInputPrompt = prompt
            lastPair = pair
            return pair.input.isEmpty ? "" : " " + pair.input
        }
        return Generation(text: text, tokenCount: text.count, finishReason: .stop)
    }
}
