import Foundation
import LanguageModel
import Testing
import TestSupport
@testable import VSynthesis

/// `vsynth eval labels`: the strategies' labels counted against the data set's.
@Suite struct LabellingEvaluationTests {
    /// `LabelChoiceTests.DisagreeingModel`'s table, by hand: "Very Bad" (negative) is labelled
    /// positive by V-information (3 against 1 nats), negative by the calibrated reading (+1
    /// against −1), and `agreed` declines it; "Lovely" (positive) is positive to all three.
    @Test func countsRightLabelsAbstentionsAndTheLabelsGiven() async throws {
        let task = TaskDataset.Task(
            id: "sentiment", definition: LabelChoiceTests.DisagreeingModel.task, inputLabel: "Text", outputLabel: "Sentiment",
            demos: [], test: [.init(input: "Very Bad", output: "negative"), .init(input: "Lovely", output: "positive")],
            labels: ["positive", "negative"])
        let evaluation = LabellingEvaluation(model: LabelChoiceTests.DisagreeingModel(), strategies: [.vinfo, .calibrated, .agreed])
        let report = try await evaluation.run(TaskDataset(tasks: [task]))
        let cells = Dictionary(uniqueKeysWithValues: report.cells.map { ($0.strategy, $0) })
        #expect(cells["vinfo"]?.correct == 1)
        #expect(cells["vinfo"]?.given == ["positive": 2])
        #expect(cells["calibrated"]?.correct == 2)
        #expect(cells["calibrated"]?.given == ["positive": 1, "negative": 1])
        #expect(cells["agreed"]?.abstained == 1)
        #expect(cells["agreed"]?.correct == 1)
        #expect(cells["agreed"]?.precision == 1)
        #expect(cells["agreed"]?.accuracy == 0.5)
        #expect(report.summaries.map(\.strategy) == ["vinfo", "calibrated", "agreed"])
        #expect(report.summaries.first { $0.strategy == "calibrated" }?.meanAccuracy == 1)
    }

    /// The real model on `data/icl.json`'s animal task (33 items, three labels): the calibrated
    /// reading labels most items right and spreads over the labels; the V-information reading
    /// (`vinfo`) cancels exactly what the input says about its label (ln p(label | ∅, x) is high
    /// for the right label), so it gives all 33 items one label, 11 right. Measured with
    /// `vsynth eval labels data/icl.json --task animal-class`: calibrated 30/33, vinfo 11/33.
    @Test func calibratedLabelsAreTrueWhereVInformationsAreNot() async throws {
        let data = try TaskDataset.load(path: TestFiles.repositoryRoot.appendingPathComponent("data/icl.json").path)
        let task = try #require(data.tasks.first { $0.id == "animal-class" })
        let evaluation = LabellingEvaluation(model: try TestModel.model(), strategies: [.vinfo, .calibrated])
        let report = try await evaluation.run(TaskDataset(tasks: [task]))
        let calibrated = try #require(report.cells.first { $0.strategy == "calibrated" })
        let vinfo = try #require(report.cells.first { $0.strategy == "vinfo" })
        #expect(calibrated.items == 33)
        #expect(calibrated.accuracy >= 0.8)
        #expect(calibrated.given.values.allSatisfy { $0 >= 5 }, "every label given to several items: \(calibrated.given)")
        #expect(vinfo.accuracy <= 0.5)
    }
}
