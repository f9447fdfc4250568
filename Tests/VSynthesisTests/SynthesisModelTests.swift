import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// The synthesis loop on the real model: it produces parseable, scored demonstrations, and the same
/// seed reproduces the same result exactly.
@Suite(.serialized) struct SynthesisModelTests {
    func options(seed: UInt64) -> SynthesisOptions {
        var options = SynthesisOptions()
        options.scale = 4
        options.count = 2
        options.candidatesPerRound = 2
        options.references = 2
        options.seed = seed
        return options
    }

    /// Each run gets a fresh engine, as each `vsynth synthesize` process does. (With one shared engine
    /// the generations currently differ between runs: the engine's sampled text depends on the KV
    /// cache state earlier requests left, which is the engine's to fix.)
    @Test func sameSeedSameResult() async throws {
        let format = DemonstrationFormat(inputLabel: "Animal", outputLabel: "Sound")
        let existing = [format.demonstration(input: "dog", output: "bark"), format.demonstration(input: "cat", output: "meow")]
        let definition = "Name the sound that the animal makes."
        // Separate caches: the second run recomputes every score.
        let a = try await Synthesizer(model: try TestModel.freshModel()).synthesize(definition: definition, format: format, existing: existing, options: options(seed: 5))
        let b = try await Synthesizer(model: try TestModel.freshModel()).synthesize(definition: definition, format: format, existing: existing, options: options(seed: 5))
        #expect(a.selected == b.selected)
        #expect(a.pool == b.pool)
        #expect(a.drops == b.drops)
        #expect(a.generations == b.generations)
        #expect(a.selected.count == 2, "parse rate \(a.parseRate), drops \(a.drops.counts)")
        #expect(a.selected.allSatisfy { $0.score != nil && $0.origin == .synthesized })
        let c = try await Synthesizer(model: try TestModel.freshModel()).synthesize(definition: definition, format: format, existing: existing, options: options(seed: 6))
        #expect(c.pool != a.pool)
    }

    @Test func fromScratchParsesMostGenerations() async throws {
        let model = try TestModel.model()
        let dataset = try TaskDataset.load(path: TaskDatasetTests.devPath)
        var generations = 0, parsed = 0
        for id in ["sarcasm", "chem-symbol", "intent"] {
            let task = try #require(dataset.tasks.first { $0.id == id })
            let result = try await Synthesizer(model: model).synthesize(
                definition: task.definition, format: task.format, options: options(seed: 1))
            generations += result.generations
            parsed += result.parsed
        }
        let rate = Double(parsed) / Double(max(generations, 1))
        print("from scratch: parse rate \(rate) over \(generations) generations")
        #expect(rate >= 0.6)
    }
}
