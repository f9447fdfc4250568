/// Area under the ROC curve of a score that should rank `positives` above `negatives`:
/// the fraction of (positive, negative) pairs ordered correctly, ties counting one half
/// (the Mann–Whitney statistic, as the reference script computes it).
public enum AUROC {
    /// `nil` when either side is empty.
    public static func compute(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var wins = 0.0
        for p in positives {
            for n in negatives {
                if p > n { wins += 1 } else if p == n { wins += 0.5 }
            }
        }
        return wins / Double(positives.count * negatives.count)
    }
}
