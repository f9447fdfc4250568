import Foundation
import Testing
@testable import VSynthesis

@Suite struct TextMeasureTests {
    @Test func aurocCountsTiesAsHalf() {
        #expect(AUROC.compute(positives: [3, 4], negatives: [1, 2]) == 1)
        #expect(AUROC.compute(positives: [1], negatives: [2]) == 0)
        #expect(AUROC.compute(positives: [1, 3], negatives: [2, 2]) == 0.5)
        #expect(AUROC.compute(positives: [2], negatives: [2, 1]) == 0.75)
        #expect(AUROC.compute(positives: [], negatives: [1]) == nil)
    }

    @Test func wordsLowercaseAndSplit() {
        #expect(TextStatistics.words("Hello, World! x2 it's") == ["hello", "world", "x2", "it", "s"])
        #expect(TextStatistics.words("  ") == [])
    }

    @Test func jaccardOfWordSets() {
        #expect(TextStatistics.jaccard("a b c", "b c d") == 0.5)
        #expect(TextStatistics.jaccard("The cat", "the CAT") == 1)
        #expect(TextStatistics.jaccard("", "") == 1)
        #expect(TextStatistics.jaccard("x", "") == 0)
    }

    @Test func distinctTwoAndPairwiseJaccard() {
        // Bigrams: (a b)(b c) and (a b)(b d): 3 distinct of 4.
        #expect(TextStatistics.distinct2(["a b c", "a b d"]) == 0.75)
        #expect(TextStatistics.distinct2(["one"]) == 0)
        // Pairs: (abc, abd) 2/4, (abc, xyz) 0, (abd, xyz) 0.
        #expect(abs(TextStatistics.meanPairwiseJaccard(["a b c", "a b d", "x y z"]) - 0.5 / 3) < 1e-12)
    }

    @Test func bm25HandComputed() {
        let bm = BM25(corpus: ["cat sat", "dog ran far away", "cat cat"], k1: 1.2, b: 0.75)
        // "cat" is in 2 of 3 documents: idf = ln((3 - 2 + 0.5)/(2 + 0.5) + 1) = ln(1.6).
        let idf = log(1.6)
        let avg = 8.0 / 3
        let expected0 = idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / avg))
        let expected2 = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 2 / avg))
        #expect(abs(bm.score(query: "Cat", document: 0) - expected0) < 1e-12)
        #expect(abs(bm.score(query: "cat", document: 2) - expected2) < 1e-12)
        #expect(bm.score(query: "cat", document: 1) == 0)
        #expect(bm.score(query: "cat", document: 9) == 0)
    }
}
