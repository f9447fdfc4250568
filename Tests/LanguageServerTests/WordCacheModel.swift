import Foundation
import LanguageModel

/// A small, exact language model for the protocol tests: a unigram cache model over words. The
/// probability of a word is its smoothed frequency among the words before it (context included),
/// so a task definition that shares words with a demonstration raises its likelihood and its
/// V-Score is positive, one that does not gives a negative score: the direction of the real metric,
/// computed exactly, in microseconds. It generates demonstrations from a fixed list (picked by the
/// seed) after an optional delay, so synthesis can be slow enough to cancel or to edit under.
///
/// The numbers of the real model are tested with the embedded engine (`RealModelTests`); these
/// tests are about the server's protocol behaviour.
final class WordCacheModel: LanguageModel, @unchecked Sendable {
    let identity = ModelIdentity(backend: "test", model: "word-cache", revision: "1")
    let template = ChatTemplate.chatML
    /// How long each generation takes.
    let generationDelay: Duration
    /// How long each scoring pass takes.
    let scoreDelay: Duration
    private let lock = NSLock()
    private var calls = 0

    init(generationDelay: Duration = .zero, scoreDelay: Duration = .zero) {
        self.generationDelay = generationDelay
        self.scoreDelay = scoreDelay
    }

    /// How many score and generate calls were made (to check the cache spares work).
    var callCount: Int { lock.withLock { calls } }
    private func count() { lock.withLock { calls += 1 } }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    func tokenize(_ text: String) async throws -> [Int32] {
        Self.words(text).map { Int32(truncatingIfNeeded: $0.hashValue & 0x7fff) }
    }

    func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        count()
        if scoreDelay > .zero { try await Task.sleep(for: scoreDelay) }
        try Task.checkCancellation()
        let base = Self.words(context)
        return continuations.map { continuation in
            var history = base
            var logprobs: [Double] = []
            let words = Self.words(continuation)
            for word in words {
                let seen = history.filter { $0.lowercased() == word.lowercased() }.count
                logprobs.append(log((Double(seen) + 0.5) / (Double(history.count) + 50)))
                history.append(word)
            }
            return ContinuationScore(tokenLogprobs: logprobs, tokenTexts: words)
        }
    }

    static let items = ["kettle", "lamp", "chair", "phone", "blender", "jacket", "router", "tent", "drill", "mixer",
                        "scarf", "clock", "pillow", "heater", "camera", "speaker"]
    static let verdicts = [("arrived broken and the support never answered", "negative"),
                           ("works perfectly and looks lovely", "positive"),
                           ("is fine, nothing special", "neutral"),
                           ("stopped working after a week", "negative")]

    func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        count()
        if generationDelay > .zero { try await Task.sleep(for: generationDelay) }
        try Task.checkCancellation()
        // V-Synthesis asks in two steps (GenerationPrompt): the input line after `Review:`, then the
        // output line after `Sentiment:`; each answer is one line.
        let item = Self.items[Int(options.seed % UInt64(Self.items.count))]
        let verdict = Self.verdicts[Int((options.seed / 7) % UInt64(Self.verdicts.count))]
        let text: String
        if prompt.hasSuffix("Sentiment:") || prompt.hasSuffix("Output:") {
            let input = prompt.components(separatedBy: "\n").dropLast().last ?? ""
            text = " " + (Self.verdicts.first { input.contains($0.0) }?.1 ?? verdict.1)
        } else {
            text = " The \(item) \(verdict.0) (order \(options.seed % 997))."
        }
        return Generation(text: text, tokenCount: Self.words(text).count, finishReason: .stop)
    }
}
