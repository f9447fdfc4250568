import Foundation

/// Okapi BM25 of a query against a small corpus: the lexical baseline beside V-Score (how much the
/// demonstration's words overlap the task definition's). IDF is `ln((N − n + 0.5)/(n + 0.5) + 1)`.
public struct BM25: Sendable {
    public var k1: Double
    public var b: Double
    private let documents: [[String: Int]]
    private let lengths: [Int]
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    /// Indexes `corpus` (one string per document).
    public init(corpus: [String], k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
        var documents: [[String: Int]] = []
        var lengths: [Int] = []
        var frequency: [String: Int] = [:]
        for text in corpus {
            let words = TextStatistics.words(text)
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            for word in counts.keys { frequency[word, default: 0] += 1 }
            documents.append(counts)
            lengths.append(words.count)
        }
        self.documents = documents
        self.lengths = lengths
        self.documentFrequency = frequency
        let total = lengths.reduce(0, +)
        self.averageLength = documents.isEmpty ? 0 : Double(total) / Double(documents.count)
    }

    /// BM25 of `query` against document `index` of the corpus (0 for an index out of range).
    public func score(query: String, document index: Int) -> Double {
        guard documents.indices.contains(index) else { return 0 }
        let counts = documents[index]
        let n = Double(documents.count)
        let lengthRatio = averageLength > 0 ? Double(lengths[index]) / averageLength : 0
        var score = 0.0
        for word in TextStatistics.words(query) {
            guard let tf = counts[word] else { continue }
            let df = Double(documentFrequency[word] ?? 0)
            let idf = log((n - df + 0.5) / (df + 0.5) + 1)
            let f = Double(tf)
            score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * lengthRatio))
        }
        return score
    }
}
