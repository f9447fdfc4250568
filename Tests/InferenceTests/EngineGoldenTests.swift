import Foundation
import Inference
import LanguageModel
import Testing

/// The engine against llama.cpp on the same GGUF (Fixtures/engine-golden.json): per-token ln p of
/// V-Score-frame continuations, top-1 agreement, and greedy generations.
@Suite(.serialized)
struct EngineGoldenTests {
    @Test func scoresMatchLlamaCpp() throws {
        let session = try EngineTestModel.session()
        let golden = EngineGolden.shared
        #expect(golden.score.count >= 20)
        var differences: [Double] = []
        var agreements = 0
        var worst = (difference: 0.0, caseIndex: 0, position: 0)
        for (index, item) in golden.score.enumerated() {
            session.reset()
            let scores = try session.score(context: item.context_ids, continuations: [item.continuation_ids])[0]
            try #require(scores.count == item.logprobs.count, "case \(index): \(scores.count) scores for \(item.logprobs.count) tokens")
            for (position, (ours, theirs)) in zip(scores, item.logprobs).enumerated() {
                let difference = abs(ours.logprob - theirs)
                differences.append(difference)
                if difference > worst.difference { worst = (difference, index, position) }
                if let top = item.top5[position].first?.first, ours.top == Int32(top) { agreements += 1 }
            }
        }
        let mean = differences.reduce(0, +) / Double(differences.count)
        let agreement = Double(agreements) / Double(differences.count)
        print("engine vs llama.cpp: \(differences.count) tokens, mean |Δ ln p| \(mean), max \(worst.difference) (case \(worst.caseIndex) token \(worst.position)), top-1 agreement \(agreement)")
        #expect(mean <= 0.02)
        #expect(worst.difference <= 0.15)
        #expect(agreement >= 0.99)
    }

    @Test func greedyGenerationMatchesLlamaCpp() throws {
        let session = try EngineTestModel.session()
        let model = try EngineTestModel.model()
        let golden = EngineGolden.shared
        #expect(golden.generate.count >= 20)
        var matches = 0
        for item in golden.generate {
            session.reset()
            let prompt = model.tokenizer.encode(item.prompt, parseSpecial: true, addBOS: false)
            var ids: [Int32] = []
            // Greedy, 16 tokens; compare ids through the tokens (a decoded text may merge differently).
            let generation = try session.generate(prompt: prompt, options: GenerationOptions(maxTokens: 16)) { _ in }
            ids = Array(session.tokens.suffix(from: prompt.count))
            let expected = Array(item.ids.prefix(16))
            let ours = Array(ids.prefix(expected.count))
            if ours == expected && (expected.count == 16 || generation.finishReason == .endOfText) {
                matches += 1
            } else {
                print("greedy mismatch for \(item.prompt.debugDescription):\n  llama.cpp \(expected)\n  ours      \(ids)")
            }
        }
        print("greedy: \(matches)/\(golden.generate.count) prompts match llama.cpp's first 16 tokens")
        #expect(Double(matches) >= 0.9 * Double(golden.generate.count))
    }
}
