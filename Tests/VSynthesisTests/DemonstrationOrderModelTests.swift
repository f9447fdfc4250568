import Foundation
import LanguageModel
import PromptFile
import Support
import TestSupport
import Testing
@testable import VSynthesis

/// `DemonstrationOrder` on the real model: data/icl-fresh.json's emotion task, whose hand-written
/// demonstrations (joy, sadness, anger, fear) in that order make the 135M model answer `fear` for
/// nearly everything (0.34 accuracy, zero-shot 0.59). The order chosen from content-free probes
/// alone, without looking at any test item, must do better on the task's 32 held-out items.
@Suite(.serialized) struct DemonstrationOrderModelTests {
    @Test func theChosenOrderBeatsTheCollapsingOneOnHeldOutItems() async throws {
        let path = TestFiles.repositoryRoot.appendingPathComponent("data/icl-fresh.json").path
        let task = try #require(try TaskDataset.load(path: path).tasks.first { $0.id == "emotion" })
        let demonstrations = task.demos.map(task.demonstration)
        #expect(task.demos.map(\.output) == ["joy", "sadness", "anger", "fear"])
        let model = try TestModel.model()
        let evaluation = ICLEvaluation(model: model, options: SynthesisOptions())
        let classifier = InContextClassifier(model: model, template: model.template, definition: task.definition,
                                             format: task.format, labels: task.answerSet)
        var generator = SplitMix64(seed: 1)
        let order = try await DemonstrationOrder.best(demonstrations, after: [], classifier: classifier, limit: 24,
                                                      using: &generator)
        #expect(order.sorted() == [0, 1, 2, 3])
        let drawn = try await evaluation.accuracy(task: task, demonstrations: demonstrations)
        let chosen = try await evaluation.accuracy(task: task, demonstrations: order.map { demonstrations[$0] })
        #expect(drawn < 0.4, "the collapsing order as measured with llama.cpp (0.344)")
        // Measured: anger, joy, sadness, fear answers 0.531 (seed 1 of the order draw does not matter:
        // 4 demonstrations have 24 orders, all tried).
        #expect(chosen >= drawn + 0.15, "order \(order): \(chosen) against \(drawn)")
    }
}
