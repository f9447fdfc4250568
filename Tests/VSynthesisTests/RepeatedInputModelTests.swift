import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// The input step may not end as an input written before (`GenerationOptions.bannedTexts`, from
/// `SlotPlan.written`), on the real model and the task where it mattered: SmolLM2-135M writes the
/// same short reviews again and again ("Good.", "High."), and each was a candidate generated, scored
/// and dropped as a duplicate (10 of 31 on examples/sentiment.prompt).
@Suite(.serialized) struct RepeatedInputModelTests {
    static let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment",
                                            labels: ["positive", "negative", "neutral"])
    static let task = "Classify the sentiment of the product review as positive, negative or neutral."
    static let references = [(input: "Good.", output: "positive"), (input: "Bad.", output: "negative"),
                             (input: "It works.", output: "neutral")]

    static func inputs(bannedTexts: [String], seeds: Range<UInt64>) async throws -> [Generation] {
        let model = try TestModel.model()
        let prompt = GenerationPrompt(template: model.template, task: task, format: format)
        var generations: [Generation] = []
        for seed in seeds {
            let options = GenerationOptions(maxTokens: 40, temperature: 0.8, topP: 0.95, seed: seed,
                                            stop: prompt.stop(afterField: 0), bannedOpenings: format.labels,
                                            bannedTexts: bannedTexts)
            generations.append(try await model.generate(prompt: prompt.inputPrompt(references: references), options: options))
        }
        return generations
    }

    static func words(_ text: String) -> [String] { TextStatistics.words(text) }

    @Test func theInputStepDoesNotEndAsAWrittenInput() async throws {
        let seeds: Range<UInt64> = 0..<8
        let free = try await Self.inputs(bannedTexts: [], seeds: seeds)
        let written = Self.references.map(\.input)
        // Without the ban the model repeats itself (" High." three times of eight): what the ban is for.
        #expect(Set(free.map { Self.words($0.text) }).count < free.count, "\(free.map(\.text))")
        let banned = try await Self.inputs(bannedTexts: written + free.map(\.text), seeds: seeds)
        let before = Set((written + free.map(\.text)).map(Self.words))
        for generation in banned where generation.finishReason != .length {
            #expect(!before.contains(Self.words(generation.text)), "\(generation.text)")
        }
        // A ban the generations never meet changes nothing, token for token.
        let unmet = try await Self.inputs(bannedTexts: ["zebra crossing"], seeds: seeds)
        #expect(unmet == free)
    }

    /// One candidate per round: every round is planned after the last, so no input of the run
    /// (kept or dropped, the file's own included) is written twice.
    @Test func aSynthesisWritesNoInputTwice() async throws {
        var options = SynthesisOptions()
        options.count = 3
        options.scale = 6
        options.candidatesPerRound = 1
        options.orderings = 1
        options.seed = 7
        let existing = Self.references.map { Self.format.demonstration(input: $0.input, output: $0.output) }
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: Self.task, format: Self.format, existing: existing, options: options)
        let parsed = result.pool.map(\.demonstration) + result.dropped.filter { $0.reason != .unparseable }.map(\.demonstration)
        #expect(parsed.count > existing.count + 3, "\(result.generations) generations")
        let inputs = parsed.map { Self.words(Self.format.values(of: $0).input) }
        #expect(Set(inputs).count == inputs.count, "\(parsed.map(\.input))")
        #expect(!result.dropped.contains { $0.reason == .duplicate }, "\(result.dropped.map(\.demonstration.input))")
    }
}
