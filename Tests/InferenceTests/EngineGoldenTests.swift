import Foundation
import Inference
import LanguageModel
import Testing

/// The engine against llama.cpp on the same GGUF (Fixtures/engine-golden.json): per-token ln p of
/// V-Score-frame continuations, top-1 agreement, and greedy generations.
///
/// Tolerances: llama.cpp quantizes activations to 8 bits, so its numbers jump at rounding boundaries and
/// any change of summation order moves them. Fixtures/llamacpp-variants.json measures that floor: llama.cpp
/// with an F32 KV cache differs from its own default by mean |Δ ln p| 0.059, max 0.99, top-1 96.6%, and
/// matches 12/20 greedy generations. The bounds below sit just outside that floor; they still fail for
/// any real defect (a wrong RoPE, norm or head mapping moves ln p by nats). The exact forward pass is
/// checked to 2e-3 against a float64 reference in ReferenceArithmeticTests.
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
        #expect(mean <= 0.075)
        #expect(worst.difference <= 2.0)
        #expect(agreement >= 0.95)
    }

    /// Teacher-forced along llama.cpp's greedy tokens: at every step our argmax is llama.cpp's token, or
    /// the two are a near tie for us (within 0.25 nats), the way 8-bit noise flips a choice (99% of steps).
    /// The free-running 16-token match count is printed beside it.
    @Test func greedyGenerationMatchesLlamaCpp() throws {
        let session = try EngineTestModel.session()
        let model = try EngineTestModel.model()
        let golden = EngineGolden.shared
        #expect(golden.generate.count >= 20)
        var steps = 0, agreeing = 0, exactTop = 0, freeRunning = 0
        for item in golden.generate {
            let prompt = model.tokenizer.encode(item.prompt, parseSpecial: true, addBOS: false)
            let expected = Array(item.ids.prefix(16))
            session.reset()
            let scores = try session.score(prompt + expected, from: prompt.count - 1)
            for score in scores {
                steps += 1
                if score.top == score.token { exactTop += 1; agreeing += 1 } else if score.topLogprob - score.logprob < 0.25 { agreeing += 1 }
            }
            session.reset()
            _ = try session.generate(prompt: prompt, options: GenerationOptions(maxTokens: 16)) { _ in }
            if Array(session.tokens.suffix(from: prompt.count).prefix(expected.count)) == expected { freeRunning += 1 }
        }
        print("greedy: argmax = llama.cpp's token at \(exactTop)/\(steps) teacher-forced steps, near ties at \(agreeing - exactTop); free-running first 16 tokens equal for \(freeRunning)/\(golden.generate.count) prompts (llama.cpp with an F32 KV cache: 12/20)")
        #expect(Double(agreeing) >= 0.99 * Double(steps))
        #expect(Double(exactTop) >= 0.9 * Double(steps))
    }
}
