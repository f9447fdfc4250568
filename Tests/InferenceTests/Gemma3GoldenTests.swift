import Foundation
import Inference
import LanguageModel
import TestSupport
import Testing

/// The engine against llama.cpp on the real Gemma 3 270M (Q4_K_M; vsynth model fetch gemma3-270m, run by
/// scripts/test.sh): per-token ln p of 20 V-Score pairs in Gemma's turn format (mean |Δ| ≤ 1e-4, as the
/// engine repeats llama.cpp's arithmetic) and the first 16 greedy tokens of 20 prompts, all equal.
/// Fixtures/engine-golden-gemma3.json (Fixtures/make_gemma3_cases.py says how it was made) holds
/// llama.cpp's token ids, so the test runs by ids whatever the tokenizer reads.
@Suite(.serialized)
struct Gemma3GoldenTests {
    static func session() throws -> InferenceSession {
        let model = try TransformerModel(path: TestModel.gemma3Path(), requiresTokenizer: false)
        return InferenceSession(model: model, pool: TestModel.pool, contextLength: 1024, batchCapacity: 512)
    }

    @Test func scoresMatchLlamaCpp() async throws {
        let golden = EngineGolden.load(requantized: "gemma3")
        try #require(golden.score.count == 20)
        let (mean, worst, tokens) = try await blocking {
            let session = try Self.session()
            var differences: [Double] = []
            for item in golden.score {
                session.reset()
                let scores = try session.score(context: item.context_ids, continuations: [item.continuation_ids])[0]
                guard scores.count == item.logprobs.count else { throw KernelTestFailure("\(scores.count) scores for \(item.logprobs.count) tokens") }
                differences += zip(scores, item.logprobs).map { abs($0.logprob - $1) }
            }
            return (differences.reduce(0, +) / Double(differences.count), differences.max() ?? 0, differences.count)
        }
        print("engine vs llama.cpp (Gemma 3 270M): \(tokens) tokens, mean |Δ ln p| \(mean), max \(worst)")
        #expect(tokens > 200)
        #expect(mean <= 1e-4, "the Gemma 3 forward pass no longer repeats llama.cpp's arithmetic")
    }

    @Test func greedyFirst16TokensMatchLlamaCpp() async throws {
        let golden = EngineGolden.load(requantized: "gemma3")
        let prompts = try #require(golden.tokenize)
        try #require(prompts.count == 20 && golden.generate.count == 20)
        let matching = try await blocking {
            let session = try Self.session()
            let vocab = session.model.config.vocabularySize
            var matching = 0
            for (prompt, expected) in zip(prompts, golden.generate) {
                session.reset()
                var generated: [Int32] = []
                var next: Int32 = 0
                try session.append(prompt.ids[...], logitsFrom: prompt.ids.count - 1) { _, logits in
                    next = Int32(VectorMath.argmax(logits, count: vocab))
                }
                while generated.count < expected.ids.count {
                    generated.append(next)
                    try session.append([next], logitsFrom: 0) { _, logits in next = Int32(VectorMath.argmax(logits, count: vocab)) }
                }
                if generated == expected.ids { matching += 1 }
            }
            return matching
        }
        print("greedy (Gemma 3 270M): first 16 tokens equal to llama.cpp's for \(matching)/20 prompts")
        #expect(golden.generate.allSatisfy { !$0.ids.isEmpty })
        #expect(matching == 20)
    }
}
