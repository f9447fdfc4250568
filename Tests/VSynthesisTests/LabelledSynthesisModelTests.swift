import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// Labelled tasks on the real model, on the shipped `examples/sentiment.prompt`: every chosen output
/// is a label exactly as `vsynth.labels` spells it, no chosen input gives its label away, and the
/// labels are covered evenly.
@Suite(.serialized) struct LabelledSynthesisModelTests {
    static let sentimentPath = TestFiles.examples.appendingPathComponent("sentiment.prompt").path

    func run(_ strategy: SynthesisOptions.LabelStrategy) async throws -> (SynthesisResult, DemonstrationFormat) {
        let document = try PromptDocument(contentsOfFile: Self.sentimentPath)
        let format = document.demonstrationFormat
        #expect(format.labels == ["positive", "negative", "neutral"])
        var options = SynthesisOptions()
        options.count = 3
        options.scale = 4
        options.candidatesPerRound = 4
        options.seed = 7
        options.labelStrategy = strategy
        let task = try #require(document.task?.text)
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: task, format: format, existing: document.demonstrationPairs, options: options)
        return (result, format)
    }

    @Test(arguments: [SynthesisOptions.LabelStrategy.vinfo, .classify, .calibrated, .argmax, .score])
    func sentimentOutputsAreCanonicalLabelsBalancedWithoutLeaks(strategy: SynthesisOptions.LabelStrategy) async throws {
        let (result, format) = try await run(strategy)
        #expect(result.selected.count == 3, "drops \(result.drops.counts)")
        for item in result.pool where item.origin == .synthesized {
            #expect(format.labels.contains(item.demonstration.output), "\(item.demonstration.output)")
            #expect(!CandidateFilter.leaks(input: item.demonstration.input, output: item.demonstration.output,
                                           outputLabel: format.outputLabel, labels: format.labels),
                    "\(item.demonstration.input)")
        }
        let counts = result.labelHistogram.map(\.count)
        #expect(result.labelHistogram.map(\.label) == format.labels)
        #expect(counts.reduce(0, +) == 3)
        // Balanced as far as the pool allows: every label the pool holds is chosen, evenly
        // (with 3 chosen: once each when the pool has all three).
        let outputs = Set(result.pool.filter { $0.origin == .synthesized }.map(\.demonstration.output))
        let present = result.labelHistogram.filter { outputs.contains($0.label) }.map(\.count)
        #expect(present.allSatisfy { $0 > 0 } && present.max()! - present.min()! <= 1, "\(result.labelHistogram)")
        #expect(result.labelHistogram.allSatisfy { outputs.contains($0.label) || $0.count == 0 })
    }
}
