import Foundation
import LanguageModel
import PromptFile
import Support
import Testing
@testable import VSynthesis

/// `DemonstrationOrder`: which orders are tried, how the spread of the answers is measured, and that
/// the order whose answers spread most wins. The real model's gain is measured by `vsynth eval icl`
/// (README, "Labelled tasks"); `DemonstrationOrderModelTests` checks it on held-out items.
@Suite struct DemonstrationOrderTests {
    @Test func triesEveryPermutationInLexicographicOrderWhenFewEnough() {
        var generator = SplitMix64(seed: 1)
        let orders = DemonstrationOrder.candidates(count: 3, limit: 24, using: &generator)
        #expect(orders == [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
        #expect(DemonstrationOrder.candidates(count: 4, limit: 24, using: &generator).count == 24)
        #expect(DemonstrationOrder.candidates(count: 4, limit: 1, using: &generator) == [[0, 1, 2, 3]])
        #expect(DemonstrationOrder.candidates(count: 1, limit: 24, using: &generator) == [[0]])
    }

    @Test func samplesDistinctOrdersDrawOrderFirstWhenTooMany() {
        var first = SplitMix64(seed: 7), second = SplitMix64(seed: 7)
        let orders = DemonstrationOrder.candidates(count: 6, limit: 10, using: &first)
        #expect(orders.count == 10)
        #expect(orders[0] == [0, 1, 2, 3, 4, 5])
        #expect(Set(orders).count == 10)
        #expect(orders.allSatisfy { $0.sorted() == [0, 1, 2, 3, 4, 5] })
        #expect(DemonstrationOrder.candidates(count: 6, limit: 10, using: &second) == orders, "seeded")
    }

    @Test func spreadIsTheEntropyOfTheAnswersAndOfTheMeanDistribution() {
        // Two probes answering different labels with certainty-ish: ln 2 for the answers.
        let split = DemonstrationOrder.spread([[0, -50], [-50, 0]], labels: 2)
        #expect(abs(split.answers - log(2)) < 1e-12)
        #expect(abs(split.mean - log(2)) < 1e-12)
        // Both answer label 0: no spread of answers; the mean distribution is (1/2+1/2·σ, …) by hand.
        let same = DemonstrationOrder.spread([[0, 0], [0, -log(3)]], labels: 2)
        #expect(same.answers == 0)
        let p = (0.5 + 0.75) / 2
        #expect(abs(same.mean - (-p * log(p) - (1 - p) * log(1 - p))) < 1e-12)
        #expect(DemonstrationOrder.spread([], labels: 3) == (0, 0))
        // A probe whose labels all score -inf (nothing finite) counts as uniform, never NaN.
        let blind = DemonstrationOrder.spread([[-.infinity, -.infinity], [0, -50]], labels: 2)
        let q = (0.5 + 1 / (1 + exp(-50.0))) / 2
        #expect(abs(blind.mean - (-q * log(q) - (1 - q) * log(1 - q))) < 1e-12)
    }

    /// A model that answers every probe with the label of the last demonstration, unless that label
    /// is `b`: then it answers by the probe (`x…` → a, else b). Only the orders ending in `b` spread.
    @Test func picksTheOrderWhoseAnswersSpread() async throws {
        let model = RecencyModel()
        let format = DemonstrationFormat(inputLabel: "Q", outputLabel: "A", labels: ["a", "b"])
        let classifier = InContextClassifier(model: model, template: .chatML, definition: "Label it.", format: format,
                                             labels: ["a", "b"])
        let chosen = [format.demonstration(input: "one", output: "b"), format.demonstration(input: "two", output: "a"),
                      format.demonstration(input: "three", output: "a")]
        var generator = SplitMix64(seed: 1)
        let order = try await DemonstrationOrder.best(chosen, after: [], probes: ["xa", "yb", "xc", "yd"],
                                                      classifier: classifier, limit: 24, using: &generator)
        #expect(order == [1, 2, 0], "the first order (lexicographic) that ends with b")
        // The file's own demonstrations stay first, and one order only is the draw order.
        var again = SplitMix64(seed: 1)
        #expect(try await DemonstrationOrder.best(chosen, after: [], probes: ["xa"], classifier: classifier,
                                                  limit: 1, using: &again) == [0, 1, 2])
        let existing = [format.demonstration(input: "zero", output: "b")]
        let before = model.contexts.count
        _ = try await DemonstrationOrder.best(chosen, after: existing, probes: ["xa"], classifier: classifier,
                                              limit: 24, using: &again)
        let contexts = model.contexts.dropFirst(before)
        #expect(contexts.count == 6)
        #expect(contexts.allSatisfy { $0.hasPrefix("<|im_start|>system\nLabel it.<|im_end|>\n<|im_start|>user\nQ: zero<|im_end|>") })
    }
}

extension DemonstrationOrderTests {
    /// A labelled run says when it has moved on to choosing the order (the last seconds of a
    /// synthesis, with no round to report), and only when it does choose one; then each order
    /// tried moves the percentage on from generation's share to 99, never back.
    @Test(arguments: [24, 1])
    func aLabelledRunReportsChoosingTheOrderLast(orderings: Int) async throws {
        let model = RecordingModel()
        model.scriptedPairs = [("dog", "x"), ("cat", "x"), ("cow", "x"), ("duck", "x"), ("owl", "x"), ("pig", "x")]
        var options = SynthesisOptions()
        options.scale = 4
        options.count = 2
        options.seed = 1
        options.orderings = orderings
        let reports = Locked<[SynthesisProgress]>([])
        let format = DemonstrationFormat(inputLabel: "Animal", outputLabel: "Sound", labels: ["bark", "meow"])
        // Every scripted candidate reads as one label; the file's own demonstration shows the other,
        // so the two chosen are kept (LabelBalance.showsOneLabel) and put in order.
        let result = try await Synthesizer(model: model).synthesize(
            definition: "Name the sound that the animal makes.", format: format,
            existing: [format.demonstration(input: "wolf", output: "meow")],
            options: options) { progress in reports.withLock { $0.append(progress) } }
        #expect(result.selected.count == 2)
        let seen = reports.withLock { $0 }
        let rounds = seen.prefix { !$0.ordering }, ordering = seen.dropFirst(rounds.count)
        #expect(!rounds.isEmpty && rounds.allSatisfy { $0.orderingMessage == nil && $0.choosesOrder == (orderings > 1) })
        #expect(ordering.allSatisfy { $0.ordering }, "the order is chosen last")
        let percentages = seen.map(\.percentage)
        #expect(percentages == percentages.sorted(), "never goes back: \(percentages)")
        if orderings > 1 {
            // Two demonstrations: two orders, announced before the first, then one report each.
            #expect(ordering.map(\.ordersTried) == [0, 1, 2] && ordering.dropFirst().allSatisfy { $0.ordersTotal == 2 })
            #expect(ordering.first?.orderingMessage == "choosing the order of the demonstrations")
            #expect(ordering.last?.orderingMessage == "choosing the order of the demonstrations (2/2 tried)")
            #expect(rounds.last?.percentage == 60 && ordering.last?.percentage == 99, "\(percentages)")
            // The last round's count (the scale, and more if coverage rounds ran: every scripted
            // candidate reads as the same label here).
            #expect(ordering.allSatisfy { $0.accepted == rounds.last?.accepted })
            #expect((seen.last?.accepted ?? 0) >= 4)
        } else {
            #expect(ordering.isEmpty)
            #expect(rounds.last?.percentage == 99, "generation is the whole run: \(percentages)")
        }
    }
}

/// The scripted stand-in of `picksTheOrderWhoseAnswersSpread` (a recency-biased classifier).
final class RecencyModel: LanguageModel, @unchecked Sendable {
    let identity = ModelIdentity(backend: "test", model: "recency", revision: "1")
    let template = ChatTemplate.chatML
    private let lock = NSLock()
    private var seen: [String] = []
    var contexts: [String] { lock.withLock { seen } }

    func tokenize(_ text: String) async throws -> [Int32] { text.unicodeScalars.map { Int32($0.value) } }

    func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        lock.withLock { seen.append(context) }
        let last = context.components(separatedBy: "<|im_start|>assistant\nA: ").last?.prefix(1).description ?? ""
        return continuations.map { text in
            let probe = text.components(separatedBy: "Q: ").last?.prefix(1).description ?? ""
            let label = text.components(separatedBy: "A: ").last?.prefix(1).description ?? ""
            let answer = last == "b" ? (probe == "x" ? "a" : "b") : last
            return ContinuationScore(tokenLogprobs: [label == answer ? 0 : -5], tokenTexts: [label])
        }
    }

    func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        Generation(text: "", tokenCount: 0, finishReason: .stop)
    }
}
