import Foundation
import Support

/// How V-Scores become sampling weights (docs/method.md, V-Synthesis step 2).
public enum Weighting: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `w(D) = max(V(D), 0) + ε`: inconsistent demonstrations keep only a small chance.
    case clip(epsilon: Double)
    /// `w(D) ∝ exp(V(D) / τ)`: τ → 0 approaches top-k, large τ approaches uniform.
    case softmax(temperature: Double)

    public static let defaultClip = Weighting.clip(epsilon: 0.01)

    /// Weights for `scores`, each finite and ≥ 0 (softmax is shifted by the maximum first).
    public func weights(_ scores: [Double]) -> [Double] {
        switch self {
        case let .clip(epsilon):
            return scores.map { $0.isFinite ? max($0, 0) + max(epsilon, 0) : max(epsilon, 0) }
        case let .softmax(temperature):
            let tau = temperature > 0 ? temperature : 1
            let finite = scores.filter(\.isFinite)
            guard let top = finite.max() else { return scores.map { _ in 1 } }
            return scores.map { $0.isFinite ? exp(($0 - top) / tau) : 0 }
        }
    }

    public var description: String {
        switch self {
        case let .clip(epsilon): "clip(ε=\(epsilon))"
        case let .softmax(temperature): "softmax(τ=\(temperature))"
        }
    }
}

/// Draws items in proportion to their weights, without replacement: each draw picks among the items
/// not yet drawn with probability `w_i / Σ w_remaining`. Items of weight 0 are drawn only once every
/// item of positive weight is gone (then uniformly), so a request for more items than have weight
/// still returns distinct items.
public enum ProportionalSampler {
    /// Indices of `count` items (fewer if there are fewer items), in draw order, never repeating.
    public static func sample(weights: [Double], count: Int, using generator: inout SplitMix64) -> [Int] {
        var remaining = Array(weights.indices)
        var clean = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        var drawn: [Int] = []
        drawn.reserveCapacity(min(count, weights.count))
        while drawn.count < count, !remaining.isEmpty {
            let total = remaining.reduce(0.0) { $0 + clean[$1] }
            var position: Int
            if total > 0 {
                let target = generator.nextUnit() * total
                var cumulative = 0.0
                position = remaining.count - 1
                for (offset, index) in remaining.enumerated() {
                    cumulative += clean[index]
                    if target < cumulative, clean[index] > 0 { position = offset; break }
                }
                // Rounding may leave the target past the last positive item; take the last positive one.
                if clean[remaining[position]] == 0,
                   let last = remaining.lastIndex(where: { clean[$0] > 0 }) {
                    position = last
                }
            } else {
                position = Int(generator.nextUnit() * Double(remaining.count))
                position = min(position, remaining.count - 1)
            }
            let index = remaining.remove(at: position)
            clean[index] = 0
            drawn.append(index)
        }
        return drawn
    }

    /// Draws `count` of `scores` with `weighting` applied to them.
    public static func sample(scores: [Double], weighting: Weighting, count: Int,
                              using generator: inout SplitMix64) -> [Int] {
        sample(weights: weighting.weights(scores), count: count, using: &generator)
    }
}
