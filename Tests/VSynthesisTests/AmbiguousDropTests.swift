import LanguageModel
import PromptFile
import Testing
@testable import VSynthesis

/// `SynthesisOptions.labelMargin`: a candidate whose best two labels score within the margin is
/// dropped as `ambiguous` and never reaches the pool. With `RecordingModel` a label's ln p depends
/// only on its characters, so the labels "ab" and "ba" tie exactly for every input (margin 0).
@Suite struct AmbiguousDropTests {
    static let pairs = [(input: "The train was late again", output: "x"), (input: "A quiet lake at dawn", output: "x"),
                        (input: "Three new emails arrived", output: "x")]
    static let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Kind", labelledTurns: false,
                                            labels: ["ab", "ba"])

    func run(margin: Double) async throws -> SynthesisResult {
        let model = RecordingModel()
        model.scriptedPairs = Self.pairs
        var options = SynthesisOptions()
        options.scale = 2
        options.count = 2
        options.labelMargin = margin
        return try await Synthesizer(model: model).synthesize(definition: "Sort the text.", format: Self.format,
                                                              options: options)
    }

    @Test func tiedLabelsAreDroppedAsAmbiguousOnlyWithAMargin() async throws {
        let strict = try await run(margin: 0.5)
        #expect(strict.generations > 0)
        #expect(strict.drops[.ambiguous] == strict.generations)
        #expect(strict.parsed == strict.generations)
        #expect(strict.selected.isEmpty)

        let lenient = try await run(margin: 0)
        #expect(lenient.drops[.ambiguous] == 0)
        // Every tie goes to the first label, so the two chosen show one label: chosen, not kept.
        #expect(lenient.selected.isEmpty)
        #expect(lenient.withheld.count == 2)
        #expect(lenient.withheld.allSatisfy { $0.demonstration.output == "ab" })
    }

    @Test func marginIsBounded() {
        var options = SynthesisOptions()
        options.labelMargin = -1
        #expect(throws: VSynthesisError.self) { try options.validate() }
    }
}
