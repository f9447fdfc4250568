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

extension LabelledSynthesisModelTests {
    /// A classification asked for as JSON, the usual Dotprompt way (an object of one enum property):
    /// the outputs are the label documents exactly, chosen by scoring and balanced, and the file's
    /// own `{"verdict":"ham"}` (other spacing) counts as the label it is.
    @Test func jsonObjectOfOneEnumIsALabelledTask() async throws {
        let document = PromptDocument(text: """
            ---
            input:
              schema:
                message: string
            output:
              schema:
                verdict(enum): [spam, ham]
            vsynth:
              task: Decide whether the text message is spam (advertising or a scam) or ham (a normal personal message).
            ---
            {{role "system"}}
            Classify each text message.

            {{!-- vsynth:demos --}}
            {{role "user"}}
            Are we still on for dinner tonight?
            {{role "model"}}
            {"verdict":"ham"}
            {{!-- /vsynth:demos --}}
            {{role "user"}}
            {{message}}

            """, path: "spam.prompt")
        #expect(document.errors.isEmpty, "\(document.errors)")
        let format = document.demonstrationFormat
        #expect(format.labels == [#"{"verdict": "spam"}"#, #"{"verdict": "ham"}"#])
        #expect(format.label(of: document.demonstrationPairs[0].output) == format.labels[1])
        var options = SynthesisOptions()
        options.count = 2
        options.scale = 4
        options.candidatesPerRound = 4
        options.seed = 3
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: try #require(document.task?.text), format: format, existing: document.demonstrationPairs, options: options)
        let synthesized = result.pool.filter { $0.origin == .synthesized }
        #expect(!synthesized.isEmpty)
        #expect(synthesized.allSatisfy { format.labels.contains($0.demonstration.output) }, "\(synthesized.map(\.demonstration.output))")
        #expect(result.labelHistogram.map(\.label) == format.labels)
        #expect(result.selected.count + result.withheld.count == 2, "drops \(result.drops.counts)")
    }
}
