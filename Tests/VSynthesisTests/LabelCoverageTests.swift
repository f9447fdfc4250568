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

    /// Writes a sad text unless the prompt asks for a label it `obliges` (then that label's cue
    /// word); a label scores 2 nats higher when the text just before the output label holds its cue
    /// word. A stand-in for the loop's bookkeeping; the real model's labelled synthesis is
    /// LabelledSynthesisModelTests'.
    final class CueModel: LanguageModel, @unchecked Sendable {
        static let cues = ["joy": "party", "sadness": "funeral", "anger": "fight"]
        let identity = ModelIdentity(backend: "test", model: "cues", revision: "1")
        let template = ChatTemplate.chatML
        let obliges: Set<String>
        private let lock = NSLock()
        private var written = 0
        private(set) var askedForJoy = 0

        init(obliges: Bool) { self.obliges = obliges ? ["joy"] : [] }
        init(obliging labels: Set<String>) { obliges = labels }

        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            let text: String = lock.withLock {
                let asked = Self.cues.keys.first { prompt.contains("\"Emotion\" is \($0)") }
                if asked == "joy" { askedForJoy += 1 }
                written += 1
                let word = DistinctWords.word(written), other = DistinctWords.word(written * 7 + 3)
                let cue = asked.flatMap { obliges.contains($0) ? Self.cues[$0] : nil } ?? "funeral"
                return " \(word) \(other) \(cue) \(written)"
            }
            return Generation(text: text, tokenCount: 8, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            let lastLine = context.split(separator: "\n").dropLast().last.map(String.init) ?? ""
            return continuations.map { continuation in
                let label = continuation.trimmingCharacters(in: .whitespacesAndNewlines)
                let value = -4.0 + (lastLine.contains(Self.cues[label] ?? "?") ? 2 : 0)
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    func synthesize(_ model: CueModel, format: DemonstrationFormat = format, count: Int = 2) async throws -> SynthesisResult {
        var options = SynthesisOptions()
        options.count = count
        options.scale = 4
        options.candidatesPerRound = 2
        options.labelStrategy = .argmax
        options.orderings = 1
        return try await Synthesizer(model: model).synthesize(definition: "Name the emotion of the text.",
                                                                format: format, options: options)
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

    /// A model that never writes the missing label's input costs one coverage round, not the budget;
    /// the two demonstrations chosen then both carry `sadness`, and a file shown only that label
    /// teaches the model to answer it every time: none is kept (`LabelBalance.showsOneLabel`), and the
    /// user is told which label the model read every candidate as.
    @Test func coverageStopsAfterARoundThatCoversNothingAndOneLabelIsNotKept() async throws {
        let model = CueModel(obliges: false)
        let result = try await synthesize(model)
        let mainPhase = 4   // scale 4, every candidate accepted
        #expect(result.generations == mainPhase + 2, "one coverage round of 2: \(result.generations) generations")
        #expect(model.askedForJoy == 2)
        #expect(result.selected.isEmpty)
        #expect(result.withheld.map(\.demonstration.output) == ["sadness", "sadness"])
        #expect(result.withheldLabel == "sadness")
        #expect(result.labelHistogram == [LabelCount(label: "joy", count: 0), LabelCount(label: "sadness", count: 0)])
        // What the user is told: joy is missing, and the pool held no joyful candidate.
        #expect(result.missingLabels == ["joy"])
        #expect(result.poolLabelHistogram == [LabelCount(label: "joy", count: 0), LabelCount(label: "sadness", count: 6)])
        #expect(result.missingLabelsWarning == "kept none of the 2 demonstrations chosen: the model read every one as 'sadness' "
                + "and no candidate as 'joy' (pool: joy 0, sadness 6), and demonstrations of one label teach the model to "
                + "give that answer every time; write one labelled 'joy' by hand (it is kept and shown to the model), "
                + "or try another seed or a larger scale")
        #expect(result.withheldWarning == result.missingLabelsWarning)
    }

    /// Two labels of three covered: the demonstrations are kept, and the third label is named.
    @Test func aLabelMissingBesideOthersIsNamedAndTheRestKept() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                         labels: ["joy", "sadness", "anger"])
        let result = try await synthesize(CueModel(obliging: ["anger"]), format: format, count: 3)
        #expect(result.withheld.isEmpty && result.withheldLabel == nil && result.withheldWarning == nil)
        #expect(result.selected.count == 3)
        #expect(Set(result.selected.map(\.demonstration.output)) == ["sadness", "anger"])
        #expect(result.missingLabels == ["joy"])
        #expect(result.missingLabelsWarning?.hasPrefix("no demonstration is labelled 'joy': the model read none of the candidates that way (pool: joy 0, ") == true,
                "\(result.missingLabelsWarning ?? "nil")")
    }

    @Test func noLabelIsMissingWhenEveryOneIsCovered() async throws {
        let result = try await synthesize(CueModel(obliges: true))
        #expect(result.missingLabels.isEmpty)
        #expect(result.missingLabelsWarning == nil)
        #expect(result.poolLabelHistogram.map(\.label) == ["joy", "sadness"])
        #expect(result.poolLabelHistogram.allSatisfy { $0.count > 0 })
    }
}
