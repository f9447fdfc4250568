import Foundation
import LanguageModel
import PromptFile
import Testing
@testable import VSynthesis

/// `SynthesisResult.exampleHint`: a run from scratch that drops more than half of its generations is
/// told to write one demonstration by hand; a file with one of its own, or a run that keeps most, is not.
@Suite struct ExampleHintTests {
    let format = DemonstrationFormat(inputLabel: "Animal", outputLabel: "Sound")

    /// Each animal three times: two of every three generations are duplicates.
    func synthesize(_ script: [(input: String, output: String)], existing: [Demonstration] = []) async throws -> SynthesisResult {
        let model = RecordingModel()
        model.scriptedPairs = script
        var options = SynthesisOptions()
        options.scale = 6
        options.count = 3
        options.candidatesPerRound = 4
        options.seed = 5
        options.redraws = 0
        options.parallelism = 1   // the script in call order (`RecordingModel.scriptedPairs`)
        return try await Synthesizer(model: model).synthesize(
            definition: "Name the sound that the animal makes.", format: format, existing: existing, options: options)
    }

    static let repetitive: [(input: String, output: String)] = ["dog", "cow", "owl", "pig", "hen", "ewe"].flatMap { animal in
        Array(repeating: (input: animal, output: "sound of \(animal)"), count: 3)
    }

    @Test func aRunFromScratchThatDropsMostIsToldToWriteOne() async throws {
        let result = try await synthesize(Self.repetitive)
        // Three of each animal until the sixth is new: 16 generations, 10 of them duplicates.
        #expect(result.generations == 16)
        #expect(result.drops[.duplicate] == 10)
        #expect(result.exampleHint == "10 of 16 generations were dropped (duplicate 10) and the file has no "
                + "demonstration of its own: a small model follows an example far better than the task, so write one "
                + "by hand in the demonstrations region (it stays, and the model sees it among the examples it writes from)")
    }

    @Test func aFileWithADemonstrationOfItsOwnIsNotTold() async throws {
        let result = try await synthesize(Self.repetitive, existing: [format.demonstration(input: "cat", output: "meow")])
        #expect(result.drops.total * 2 > result.generations)
        #expect(result.exampleHint == nil)
    }

    @Test func aRunThatKeepsMostIsNotTold() async throws {
        // 9 generations until six are kept: 3 duplicates, fewer than half.
        let animals = ["dog", "dog", "cow", "owl", "cow", "pig", "hen", "dog", "ewe"]
        let script: [(input: String, output: String)] = animals.map { animal in (input: animal, output: "sound of \(animal)") }
        let result = try await synthesize(script)
        #expect(result.generations == 9 && result.drops[.duplicate] == 3, "\(result.generations) generations, \(result.drops.counts)")
        #expect(result.exampleHint == nil)
    }
}
