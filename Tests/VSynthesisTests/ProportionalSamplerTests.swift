import Foundation
import Support
import Testing
@testable import VSynthesis

@Suite struct ProportionalSamplerTests {
    /// Pearson's chi-square statistic of observed counts against expected probabilities.
    func chiSquare(_ observed: [Int], _ probabilities: [Double]) -> Double {
        let total = Double(observed.reduce(0, +))
        return zip(observed, probabilities).reduce(0.0) { sum, pair in
            let expected = total * pair.1
            return sum + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
    }

    @Test func firstDrawFrequenciesFollowWeights() {
        let weights = [1.0, 2, 3, 4]
        var counts = [0, 0, 0, 0]
        var generator = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let drawn = ProportionalSampler.sample(weights: weights, count: 1, using: &generator)
            counts[drawn[0]] += 1
        }
        // 3 degrees of freedom: 16.27 is the 0.999 quantile.
        #expect(chiSquare(counts, weights.map { $0 / 10 }) < 16.27, "counts \(counts)")
    }

    @Test func secondDrawFollowsRemainingWeights() {
        // Given the first draw is item 3 (weight 4), the second follows 1:2:3 over items 0...2.
        let weights = [1.0, 2, 3, 4]
        var counts = [0, 0, 0]
        var generator = SplitMix64(seed: 7)
        var conditioned = 0
        while conditioned < 8_000 {
            let drawn = ProportionalSampler.sample(weights: weights, count: 2, using: &generator)
            guard drawn[0] == 3 else { continue }
            counts[drawn[1]] += 1
            conditioned += 1
        }
        #expect(chiSquare(counts, [1.0 / 6, 2.0 / 6, 3.0 / 6]) < 13.82, "counts \(counts)")
    }

    @Test func zeroWeightNeverDrawnWhileOthersRemain() {
        let weights = [0.0, 5, 0, 1, 2, 0]
        for seed in 0..<2_000 as Range<UInt64> {
            var generator = SplitMix64(seed: seed)
            let drawn = ProportionalSampler.sample(weights: weights, count: 6, using: &generator)
            #expect(Set(drawn.prefix(3)) == [1, 3, 4])
            #expect(Set(drawn.suffix(3)) == [0, 2, 5])
        }
    }

    @Test func withoutReplacementNeverRepeats() {
        let weights = (0..<30).map { Double($0 % 5) + 0.1 }
        for seed in 0..<500 as Range<UInt64> {
            var generator = SplitMix64(seed: seed)
            let drawn = ProportionalSampler.sample(weights: weights, count: 20, using: &generator)
            #expect(drawn.count == 20)
            #expect(Set(drawn).count == 20)
        }
        var generator = SplitMix64(seed: 1)
        let all = ProportionalSampler.sample(weights: weights, count: 100, using: &generator)
        #expect(all.count == 30)
        #expect(Set(all) == Set(0..<30))
    }

    @Test func seededDrawsReproduce() {
        let weights = [0.3, 1, 2, 0.5, 4, 1]
        var a = SplitMix64(seed: 99), b = SplitMix64(seed: 99), c = SplitMix64(seed: 100)
        let x = ProportionalSampler.sample(weights: weights, count: 4, using: &a)
        #expect(x == ProportionalSampler.sample(weights: weights, count: 4, using: &b))
        var differs = false
        for _ in 0..<10 where ProportionalSampler.sample(weights: weights, count: 4, using: &c) != x { differs = true }
        #expect(differs)
    }

    @Test func clipWeighting() {
        let w = Weighting.clip(epsilon: 0.01).weights([-3, 0, 2.5, .nan])
        #expect(w == [0.01, 0.01, 2.51, 0.01])
    }

    @Test func softmaxWeightingFollowsTemperature() {
        let cold = Weighting.softmax(temperature: 0.5).weights([0, 1, 2])
        let hot = Weighting.softmax(temperature: 10).weights([0, 1, 2])
        #expect(abs(cold[2] / cold[1] - exp(2)) < 1e-9)
        #expect(abs(hot[2] / hot[1] - exp(0.1)) < 1e-9)
        #expect(cold[2] == 1)
        // Frequencies follow softmax(V/τ).
        var generator = SplitMix64(seed: 3)
        var counts = [0, 0, 0]
        for _ in 0..<10_000 {
            counts[ProportionalSampler.sample(scores: [0, 1, 2], weighting: .softmax(temperature: 1), count: 1, using: &generator)[0]] += 1
        }
        let e1 = exp(1.0), e2 = exp(2.0)
        let z = 1 + e1 + e2
        #expect(chiSquare(counts, [1 / z, e1 / z, e2 / z]) < 13.82, "counts \(counts)")
    }

    @Test func splitMixKnownValues() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220A8397B1DCDAF)
        #expect(g.next() == 0x6E789E6AA1B965F4)
        var u = SplitMix64(seed: 5)
        for _ in 0..<1000 { let x = u.nextUnit(); #expect(x >= 0 && x < 1) }
        #expect(SplitMix64.derive(1, 2) != SplitMix64.derive(1, 3))
        #expect(SplitMix64.derive(1, 2) == SplitMix64.derive(1, 2))
    }
}
