import Support
import Testing
@testable import VSynthesis

/// With a label set, the chosen demonstrations cover the labels as evenly as the count allows.
@Suite struct LabelBalanceTests {
    /// Uneven pools (one label much more frequent and better scored), every count and label number
    /// of the issue: the histogram's max − min is at most 1, and the count is met.
    @Test(arguments: [4, 5, 7], [2, 3, 4])
    func histogramIsEven(count: Int, labelCount: Int) {
        let labels = (0..<labelCount).map { "l\($0)" }
        for seed in UInt64(1)...20 {
            var generator = SplitMix64(seed: seed)
            // 12 items of the first label (high weights), 3 of every other (low weights).
            var groups: [String] = Array(repeating: labels[0], count: 12)
            var weights: [Double] = (0..<12).map { _ in 5 + generator.nextUnit() }
            for label in labels.dropFirst() {
                groups += Array(repeating: label, count: 3)
                weights += (0..<3).map { _ in 0.1 * generator.nextUnit() }
            }
            let chosen = LabelBalance.sample(weights: weights, groups: groups, count: count, using: &generator)
            #expect(chosen.count == count)
            #expect(Set(chosen).count == count)
            let histogram = LabelBalance.histogram(outputs: chosen.map { groups[$0] }, labels: labels)
            let counts = histogram.map(\.count)
            #expect(counts.max()! - counts.min()! <= 1, "count \(count), seed \(seed): \(histogram)")
        }
    }

    /// A label with too few candidates leaves its share to the others; nothing repeats.
    @Test func shortLabelLeavesItsShare() {
        var generator = SplitMix64(seed: 3)
        let groups = ["a", "a", "a", "a", "a", "b"]
        let chosen = LabelBalance.sample(weights: [1, 1, 1, 1, 1, 1], groups: groups, count: 4, using: &generator)
        #expect(chosen.count == 4)
        #expect(chosen.filter { groups[$0] == "b" }.count == 1)
    }

    /// Within a label the draw follows the weights: the heavy item of each label is drawn far more often.
    @Test func withinALabelDrawsFollowWeights() {
        let groups = ["a", "a", "b", "b"]
        let weights = [9.0, 1, 9, 1]
        var heavy = 0
        var generator = SplitMix64(seed: 9)
        for _ in 0..<400 {
            let chosen = LabelBalance.sample(weights: weights, groups: groups, count: 2, using: &generator)
            heavy += chosen.filter { weights[$0] == 9 }.count
        }
        #expect(Double(heavy) / 800 > 0.8)
        #expect(Double(heavy) / 800 < 0.97)
    }

    /// topk within labels: the best of each label, not the best overall.
    @Test func topkTakesTheBestOfEachLabel() {
        let groups = ["a", "a", "a", "b", "b"]
        let score = [5.0, 4, 3, 1, 2]
        let chosen = LabelBalance.choose(groups: groups, count: 2) { choices in
            choices.max { score[$0] < score[$1] }!
        }
        #expect(Set(chosen) == [0, 4])
    }

    /// A file that would show one label of several, with more than one demonstration added.
    @Test func oneLabelIsCountedOnlyWhenTheAddedCouldHaveShownMore() {
        let labels = ["positive", "negative"]
        #expect(LabelBalance.showsOneLabel(["negative", "negative"], added: 2, labels: labels))
        #expect(!LabelBalance.showsOneLabel(["positive", "negative", "negative"], added: 2, labels: labels), "the file's own shows the other")
        #expect(!LabelBalance.showsOneLabel(["negative", "negative"], added: 1, labels: labels), "one added is no choice of labels")
        #expect(!LabelBalance.showsOneLabel(["yes", "yes", "yes"], added: 3, labels: ["yes"]), "a set of one label")
        #expect(!LabelBalance.showsOneLabel([], added: 0, labels: labels))
    }
}
