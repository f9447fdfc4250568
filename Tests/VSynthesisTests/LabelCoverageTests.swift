import Foundation
import LanguageModel
import TestSupport
import Testing
@testable import VSynthesis

/// Coverage rounds (docs/method.md, step 3): when the synthesized pool lacks a label's share, inputs
/// are asked for the least covered labels; each candidate keeps the label the scores read.
@Suite struct LabelCoverageTests {
    static let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                            labels: ["joy", "sadness"])

    /// Writes a sad text unless the prompt asks for a joyful one (and `obliges`); a label scores 2
    /// nats higher when the text just before the output label holds its cue word. A stand-in for
    /// the loop's bookkeeping; the real model's labelled synthesis is LabelledSynthesisModelTests'.
    final class CueModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "cues", revision: "1")
        let template = ChatTemplate.chatML
        let obliges: Bool
        private let lock = NSLock()
        private var written = 0
        private(set) var askedForJoy = 0

        init(obliges: Bool) { self.obliges = obliges }

        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            let text: String = lock.withLock {
                let joy = prompt.contains("\"Emotion\" is joy")
                if joy { askedForJoy += 1 }
                written += 1
                let word = DistinctWords.word(written), other = DistinctWords.word(written * 7 + 3)
                return joy && obliges ? " \(word) \(other) party \(written)" : " \(word) \(other) funeral \(written)"
            }
            return Generation(text: text, tokenCount: 8, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            let lastLine = context.split(separator: "\n").dropLast().last.map(String.init) ?? ""
            return continuations.map { continuation in
                let label = continuation.trimmingCharacters(in: .whitespacesAndNewlines)
                let cue = label == "joy" ? "party" : "funeral"
                let value = -4.0 + (lastLine.contains(cue) ? 2 : 0)
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    func synthesize(_ model: CueModel) async throws -> SynthesisResult {
        var options = SynthesisOptions()
        options.count = 2
        options.scale = 4
        options.candidatesPerRound = 2
        options.labelStrategy = .argmax
        options.orderings = 1
        return try await Synthesizer(model: model).synthesize(definition: "Name the emotion of the text.",
                                                                format: Self.format, options: options)
    }

    @Test func aMissingLabelGetsInputsAskedForIt() async throws {
        let model = CueModel(obliges: true)
        let result = try await synthesize(model)
        #expect(model.askedForJoy > 0)
        #expect(result.labelHistogram == [LabelCount(label: "joy", count: 1), LabelCount(label: "sadness", count: 1)],
                "\(result.labelHistogram)")
        let joyful = result.pool.filter { $0.origin == .synthesized && $0.demonstration.output == "joy" }
        #expect(joyful.allSatisfy { $0.demonstration.input.contains("party") }, "the label is the scores' reading")
    }

    /// A model that never writes the missing label's input costs one coverage round, not the budget.
    @Test func coverageStopsAfterARoundThatCoversNothing() async throws {
        let model = CueModel(obliges: false)
        let result = try await synthesize(model)
        #expect(result.labelHistogram == [LabelCount(label: "joy", count: 0), LabelCount(label: "sadness", count: 2)])
        let mainPhase = 4   // scale 4, every candidate accepted
        #expect(result.generations == mainPhase + 2, "one coverage round of 2: \(result.generations) generations")
        #expect(model.askedForJoy == 2)
        // What the user is warned of: joy is missing, and the pool held no joyful candidate.
        #expect(result.missingLabels == ["joy"])
        #expect(result.poolLabelHistogram == [LabelCount(label: "joy", count: 0), LabelCount(label: "sadness", count: 6)])
        #expect(result.missingLabelsWarning == "no demonstration is labelled 'joy': the model read none of the candidates "
                + "that way (pool: joy 0, sadness 6); write one by hand, or try another seed or a larger scale")
    }

    @Test func noLabelIsMissingWhenEveryOneIsCovered() async throws {
        let result = try await synthesize(CueModel(obliges: true))
        #expect(result.missingLabels.isEmpty)
        #expect(result.missingLabelsWarning == nil)
        #expect(result.poolLabelHistogram.map(\.label) == ["joy", "sadness"])
        #expect(result.poolLabelHistogram.allSatisfy { $0.count > 0 })
    }
}
