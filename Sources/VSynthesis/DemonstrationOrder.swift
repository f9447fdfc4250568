import Foundation
import PromptFile
import Support

/// The order in which a labelled task's chosen demonstrations go into the file.
///
/// Why: a small model reading demonstrations copies the label it saw last (recency) or most, and
/// the order alone moves its accuracy more than which demonstrations were chosen. Measured with the
/// default 135M model on data/icl-fresh.json's own hand-written demonstrations (one per label):
/// emotion 0.34 to 0.81 and formality 0.50 to 0.81 accuracy across 6 orders
/// (scripts/icl-order-study.py), the good orders being
/// those whose answers spread over the labels rather than collapsing onto one. So each order tried
/// is read by the in-context classifier (`InContextClassifier`, what `vsynth eval icl` measures) on
/// content-free inputs ("N/A", "", "[MASK]": contextual calibration's probes, Zhao et al. 2021, which
/// show the classifier's bias with nothing to classify), and the order whose answers have the
/// highest entropy over the labels wins (GlobalE, Lu et al., "Fantastically Ordered Prompts", ACL
/// 2022); the entropy of the mean label distribution breaks ties, then the earlier order. Probing
/// with the synthesized pool's own inputs instead (GlobalE as published) cost twice as much and did
/// no better on data/icl-fresh.json (0.615 against 0.625, seed 1). Deterministic for a seed.
enum DemonstrationOrder {

    /// The orders to try of `count` items: every permutation in lexicographic order (the draw order
    /// first) when there are at most `limit`, else the draw order and `limit − 1` distinct seeded shuffles.
    static func candidates(count: Int, limit: Int, using generator: inout SplitMix64) -> [[Int]] {
        let identity = Array(0..<count)
        guard limit > 1, count > 1 else { return [identity] }
        var factorial = 1
        for k in 1...count where factorial <= limit { factorial *= k }
        if factorial <= limit { return permutations(count) }
        var orders = [identity]
        var seen: Set<[Int]> = [identity]
        var attempts = 0
        while orders.count < limit, attempts < limit * 20 {
            attempts += 1
            var order = identity
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            if seen.insert(order).inserted { orders.append(order) }
        }
        return orders
    }

    /// Every permutation of 0..<count in lexicographic order.
    static func permutations(_ count: Int) -> [[Int]] {
        var result: [[Int]] = []
        var order = Array(0..<count)
        while true {
            result.append(order)
            // Next permutation (Narayana): the rightmost ascent, swapped with its next larger, tail reversed.
            guard let i = (0..<(count - 1)).last(where: { order[$0] < order[$0 + 1] }) else { return result }
            let j = ((i + 1)..<count).last { order[$0] > order[i] }!
            order.swapAt(i, j)
            order[(i + 1)...].reverse()
        }
    }

    /// How evenly a classifier's answers spread: the entropy (nats) of the histogram of each probe's
    /// best label, and of the mean of the probes' label distributions (softmax of the scores; a row
    /// with no finite score counts as uniform).
    static func spread(_ scores: [[Double]], labels: Int) -> (answers: Double, mean: Double) {
        guard !scores.isEmpty, labels > 0 else { return (0, 0) }
        var counts = [Double](repeating: 0, count: labels)
        var mass = [Double](repeating: 0, count: labels)
        for row in scores where row.count == labels {
            counts[row.indexOfMax] += 1
            let weights = Weighting.softmax(temperature: 1).weights(row)
            let total = weights.reduce(0, +)
            for (label, weight) in weights.enumerated() { mass[label] += weight / total }
        }
        return (entropy(counts), entropy(mass))
    }

    static func entropy(_ weights: [Double]) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        return weights.reduce(0) { sum, weight in
            weight > 0 ? sum - weight / total * Foundation.log(weight / total) : sum
        }
    }

    /// `chosen` in the order whose classifier spreads its answers over the labels most on `probes`,
    /// after the file's `existing` demonstrations (which stay first, in their order). `progress`
    /// hears the orders tried of the total after each.
    static func best(_ chosen: [Demonstration], after existing: [Demonstration], probes: [String] = GenerationPrompt.contentFreeInputs,
                     classifier: InContextClassifier, limit: Int, using generator: inout SplitMix64,
                     progress: (_ tried: Int, _ total: Int) -> Void = { _, _ in }) async throws -> [Int] {
        let orders = candidates(count: chosen.count, limit: limit, using: &generator)
        guard orders.count > 1, !probes.isEmpty else { return orders[0] }
        var best = orders[0]
        var bestKey = (answers: -Double.infinity, mean: -Double.infinity)
        for (tried, order) in orders.enumerated() {
            defer { progress(tried + 1, orders.count) }
            let scores = try await classifier.labelScores(demonstrations: existing + order.map { chosen[$0] },
                                                          inputs: probes, ranking: true)
            let key = spread(scores, labels: classifier.labels.count)
            if key.answers > bestKey.answers + 1e-12
                || (abs(key.answers - bestKey.answers) <= 1e-12 && key.mean > bestKey.mean + 1e-12) {
                best = order
                bestKey = key
            }
        }
        return best
    }
}
