/// Word-level text measures used by the filters, the BM25 baseline and the diversity report.
/// Words are maximal runs of letters or digits, lowercased; everything else separates them.
public enum TextStatistics {
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// |A ∩ B| / |A ∪ B| of the word sets; two empty texts are identical (1).
    public static func jaccard(_ a: String, _ b: String) -> Double {
        jaccard(Set(words(a)), Set(words(b)))
    }

    public static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }

    /// Distinct bigrams over all bigrams of `texts` (each text's words, bigrams not crossing texts).
    /// 0 when there are no bigrams.
    public static func distinct2(_ texts: [String]) -> Double {
        var total = 0
        var seen = Set<[String]>()
        for text in texts {
            let tokens = words(text)
            guard tokens.count >= 2 else { continue }
            for i in 0..<(tokens.count - 1) {
                total += 1
                seen.insert([tokens[i], tokens[i + 1]])
            }
        }
        return total == 0 ? 0 : Double(seen.count) / Double(total)
    }

    /// Mean token Jaccard over all unordered pairs of `texts` (0 for fewer than two).
    public static func meanPairwiseJaccard(_ texts: [String]) -> Double {
        let sets = texts.map { Set(words($0)) }
        guard sets.count >= 2 else { return 0 }
        var sum = 0.0
        var pairs = 0
        for i in 0..<sets.count {
            for j in (i + 1)..<sets.count {
                sum += jaccard(sets[i], sets[j])
                pairs += 1
            }
        }
        return sum / Double(pairs)
    }
}
