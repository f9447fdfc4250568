import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// A candidate's input that repeats one the run wrote before is drawn again
/// (`SynthesisOptions.redraws`, from `SlotPlan.written`): SmolLM2-135M writes the same short reviews
/// again and again ("Good.", "Nice."), and each was a candidate generated, labelled, scored and
/// dropped as a duplicate (10 of 31 on examples/sentiment.prompt).
@Suite(.serialized) struct RepeatedInputModelTests {
    static let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment",
                                            labels: ["positive", "negative", "neutral"])
    static let task = "Classify the sentiment of the product review as positive, negative or neutral."
    static let existing = [("Good.", "positive"), ("Bad.", "negative"), ("It works.", "neutral")]
        .map { format.demonstration(input: $0.0, output: $0.1) }

    static func words(_ text: String) -> [String] { TextStatistics.words(text) }

    /// One candidate per round on the real model: every round is planned after the last, so with
    /// redraws no input of the run (kept or dropped, the file's own included) is written twice, where
    /// the same seed without them writes "Good." three times.
    @Test(arguments: [0, 3])
    func aSynthesisWritesNoInputTwice(redraws: Int) async throws {
        var options = SynthesisOptions()
        options.count = 3
        options.scale = 6
        options.candidatesPerRound = 1
        options.orderings = 1
        options.seed = 7
        options.redraws = redraws
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: Self.task, format: Self.format, existing: Self.existing, options: options)
        let parsed = result.pool.map(\.demonstration) + result.dropped.filter { $0.reason != .unparseable }.map(\.demonstration)
        #expect(parsed.count > Self.existing.count + 3, "\(result.generations) generations")
        let inputs = parsed.map { Self.words(Self.format.values(of: $0).input) }
        let repeats = inputs.count - Set(inputs).count
        if redraws == 0 {
            #expect(repeats > 0, "the case redraws are for: \(parsed.map(\.input))")
        } else {
            #expect(repeats == 0, "\(parsed.map(\.input))")
            #expect(!result.dropped.contains { $0.reason == .duplicate }, "\(result.dropped.map(\.demonstration.input))")
        }
    }
}

/// `SynthesisOptions.redraws` step by step, with a scripted model whose input steps write the next
/// of its inputs: a draw that repeats a written input (in words: "good", "Good!" for "Good.") is
/// drawn again with the same prompt, at most `redraws` times, and the last draw stands.
@Suite struct InputRedrawTests {
    static let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Summary")

    static func firstCandidate(redraws: Int) async throws -> (input: String, inputPrompts: Int) {
        let model = RecordingModel()
        model.scriptedPairs = [("good", "a"), ("Good!", "b"), ("Fine work", "c"), ("Solid", "d")]
        var options = SynthesisOptions()
        options.method = .naive
        options.count = 1
        options.candidatesPerRound = 1
        options.parallelism = 1
        options.redraws = redraws
        let result = try await Synthesizer(model: model).synthesize(
            definition: "Summarize the review.", format: format,
            existing: [format.demonstration(input: "Good.", output: "praise")], options: options)
        let synthesized = try #require(result.pool.first { $0.origin == .synthesized })
        return (format.values(of: synthesized.demonstration).input, model.generatePrompts.filter { $0.hasSuffix("Review:") }.count)
    }

    @Test func aRepeatedInputIsDrawnAgainUpToTheLimit() async throws {
        let none = try await Self.firstCandidate(redraws: 0)
        #expect(none.input == "good" && none.inputPrompts == 1)
        let one = try await Self.firstCandidate(redraws: 1)
        #expect(one.input == "Good!" && one.inputPrompts == 2, "the last draw stands")
        let three = try await Self.firstCandidate(redraws: 3)
        #expect(three.input == "Fine work" && three.inputPrompts == 3, "no more draws once the input is new")
    }
}
