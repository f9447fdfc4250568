import Testing
@testable import CLI
@testable import VSynthesis

/// `vsynth eval icl`'s paired table: signed differences, seeds ahead and behind out of the count.
struct EvalICLReportTests {
    @Test func pairedRowsGiveSignedDifferencesAndSeedCounts() {
        let report = ICLEvaluation.Report(model: "m", frame: "f", seeds: [1, 2], cells: [], summaries: [
            ICLEvaluation.Summary(condition: "zero-shot", meanAccuracy: 0.5, spread: 0, perTask: [:], perSeed: [0.5]),
            ICLEvaluation.Summary(condition: "vsynthesis", meanAccuracy: 0.5625, spread: 0, perTask: [:], perSeed: [0.75, 0.375]),
        ])
        let rows = EvalICLCommand.comparisonRows(report.comparisons, seeds: 2)
        #expect(rows == [
            ["paired by seed", "mean", "ahead", "behind", "per seed"],
            ["vsynthesis − zero-shot", "+0.062", "1 of 2", "1 of 2", "+0.250 -0.125"],
        ])
    }
}
