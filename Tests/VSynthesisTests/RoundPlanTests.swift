import Foundation
import LanguageModel
import PromptFile
import Support
import Testing
@testable import VSynthesis

/// `Synthesizer.planRound`: what a round's slots generate from.
@Suite struct RoundPlanTests {
    /// Each slot draws its own k references (in slot order, from the pool as the round began), so a
    /// round's m candidates see different examples; the slots differ in their seeds too. A draw
    /// shared by the round (DESIGN.md step 2's wording) let the engine evaluate the round's prompt
    /// once, but was measured no better (docs/method.md, "The round plan"): 12 duplicates where
    /// per-slot draws had 9 on examples/sentiment.prompt, 10% less wall time, the same mean
    /// in-context accuracy, and below zero-shot on data/icl-fresh.json.
    @Test func eachSlotDrawsItsOwnReferencesAndSeed() {
        let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment")
        let pool = (0..<8).map { index in
            ScoredDemonstration(demonstration: format.demonstration(input: "review \(index)", output: "positive"),
                                score: VScore(logpTask: -10 + Double(index), logpNull: -12, tokenCount: 5),
                                origin: .synthesized)
        }
        let synthesizer = Synthesizer(model: LabelChoiceTests.BiasedModel())
        for method in [SynthesisOptions.Method.vsynthesis, .naive, .topk] {
            var options = SynthesisOptions()
            options.method = method
            var generator = SplitMix64(seed: 5)
            let plans = synthesizer.planRound(0, slots: 4, pool: pool, labelCounts: [:], written: [["review", "0"], ["great"]],
                                              targeting: false, format: format, options: options, using: &generator)
            #expect(plans.map(\.slot) == [0, 1, 2, 3])
            #expect(plans.allSatisfy { $0.written == [["review", "0"], ["great"]] }, "every slot draws them again")
            #expect(Set(plans.map(\.seed)).count == 4)
            for plan in plans {
                #expect(plan.references.count == 3)
                #expect(Set(plan.references.map(\.input)).count == 3, "drawn without replacement")
            }
            let draws = Set(plans.map { $0.references.map(\.input) })
            if method == .topk {
                #expect(draws == [["review 7", "review 6", "review 5"]], "the best three, for every slot")
            } else {
                #expect(draws.count > 1, "\(method): every slot draws its own")
            }
        }
    }
}
