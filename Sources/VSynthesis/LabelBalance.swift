import Support

/// Choosing demonstrations of a labelled task so that the labels are covered as evenly as the count
/// allows: every label gets `count / labels` and the remainder goes to distinct labels. Each draw
/// goes to the labels chosen least so far; among them, `pick` decides (V-Score proportional for
/// V-Synthesis, the best for topk, the first for naive), so within a label the method's own rule
/// still chooses. A label with too few candidates leaves its share to the others.
public enum LabelBalance {
    /// Indices of up to `count` items whose labels are `groups` (any hashable key, e.g. the label),
    /// in draw order. `pick` gets the candidate indices (ascending) and returns one of them.
    public static func choose<Key: Hashable>(groups: [Key], count: Int,
                                             pick: (_ candidates: [Int]) -> Int) -> [Int] {
        var remaining = Array(groups.indices)
        var taken: [Key: Int] = [:]
        var drawn: [Int] = []
        while drawn.count < count, !remaining.isEmpty {
            let least = remaining.map { taken[groups[$0], default: 0] }.min() ?? 0
            let candidates = remaining.filter { taken[groups[$0], default: 0] == least }
            let chosen = pick(candidates)
            guard let position = remaining.firstIndex(of: chosen), candidates.contains(chosen) else { break }
            remaining.remove(at: position)
            taken[groups[chosen], default: 0] += 1
            drawn.append(chosen)
        }
        return drawn
    }

    /// `count` items drawn in proportion to `weights`, balanced over `groups`.
    public static func sample<Key: Hashable>(weights: [Double], groups: [Key], count: Int,
                                             using generator: inout SplitMix64) -> [Int] {
        choose(groups: groups, count: count) { candidates in
            let drawn = ProportionalSampler.sample(weights: candidates.map { weights[$0] }, count: 1, using: &generator)
            return candidates[drawn.first ?? 0]
        }
    }

    /// Whether a file whose demonstrations carry the labels `outputs` (its own and `added` new ones)
    /// shows a single label of a set of several, with more than one added: a small model shown only
    /// that label answers it every time. In `vsynth eval icl` over the five data sets (six seeds,
    /// 126 V-Synthesis cells), the 10 cells whose synthesized demonstrations carried one label averaged
    /// 0.155 below zero-shot; those showing every label of their task, 0.05–0.20 above it. One added
    /// demonstration is no choice of labels, so it is never counted here.
    public static func showsOneLabel(_ outputs: [String], added: Int, labels: [String]) -> Bool {
        labels.count > 1 && added > 1 && Set(outputs).count == 1
    }

    /// How many of `outputs` are each of `labels`, in the labels' order; outputs that are no label
    /// are not counted.
    public static func histogram(outputs: [String], labels: [String]) -> [LabelCount] {
        labels.map { label in LabelCount(label: label, count: outputs.filter { $0 == label }.count) }
    }
}

/// One bar of a label histogram.
public struct LabelCount: Hashable, Sendable, Codable {
    public var label: String
    public var count: Int

    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }
}
