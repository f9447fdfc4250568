import Foundation
import LanguageModel
import TestSupport
import Testing
@testable import VSynthesis
import PromptFile

/// The loop's bookkeeping (drops, targets, seeds, cancellation) on scripted generations; the real
/// model runs the loop in `SynthesisModelTests`.
@Suite struct SynthesizerBookkeepingTests {
    let format = DemonstrationFormat(inputLabel: "Animal", outputLabel: "Sound")
    let scripted: [(input: String, output: String)] = [
        ("dog", "bark"), ("cat", "meow"), ("", ""), ("dog", "bark"), ("cow", "moo"), ("duck", "quack"),
        ("Name the sound that the animal makes.", "x"), ("\"lion\"", "roar"), ("owl", "hoot"), ("pig", "oink")]

    func options(_ method: SynthesisOptions.Method) -> SynthesisOptions {
        var options = SynthesisOptions()
        options.method = method
        options.scale = 6
        options.count = 3
        options.candidatesPerRound = 4
        options.seed = 11
        // The script's repeats ("dog" twice, the file's "cat") are what these tests count; drawing
        // them again is `InputRedrawTests`'.
        options.redraws = 0
        // The script is handed out in call order, and a round's slots run at once by default: one
        // at a time, each input step is followed by its own output step, whatever the scheduling.
        options.parallelism = 1
        return options
    }

    /// A run of `method` on the scripted model, for the task the script was written for.
    func synthesize(_ method: SynthesisOptions.Method, existing: [Demonstration] = []) async throws -> SynthesisResult {
        let model = RecordingModel()
        model.scriptedPairs = scripted
        return try await Synthesizer(model: model).synthesize(
            definition: "Name the sound that the animal makes.", format: format, existing: existing, options: options(method))
    }

    @Test func countsDropsAndStopsAtScale() async throws {
        let result = try await synthesize(.vsynthesis)
        #expect(result.pool.count == 6)
        #expect(result.pool.allSatisfy { $0.origin == .synthesized && $0.score != nil })
        #expect(result.drops[.unparseable] == 1)
        #expect(result.drops[.duplicate] == 1)
        #expect(result.drops[.copiesTask] == 1)
        #expect(result.generations == 9)
        #expect(result.parsed == 8)
        #expect(result.selected.count == 3)
        #expect(Set(result.selected.map(\.demonstration)).count == 3)
    }

    @Test func existingDemonstrationsStayAndAreNotSelected() async throws {
        let result = try await synthesize(.topk, existing: [format.demonstration(input: "cat", output: "meow")])
        #expect(result.pool.first?.origin == .existing)
        #expect(result.drops[.duplicate] == 2)
        #expect(result.selected.allSatisfy { $0.origin == .synthesized })
        let scores = result.selected.compactMap { $0.score?.total }
        #expect(scores == scores.sorted(by: >))
        let all = result.pool.filter { $0.origin == .synthesized }.compactMap { $0.score?.total }.sorted(by: >)
        #expect(scores == Array(all.prefix(3)))
    }

    @Test func naiveStopsAtCountAndScoresForReport() async throws {
        let result = try await synthesize(.naive)
        #expect(result.selected.count == 3)
        #expect(result.pool.count == 3)
        #expect(result.selected.allSatisfy { $0.score != nil })
    }

    @Test func givesUpAfterTheAttemptBudget() async throws {
        let model = RecordingModel()
        model.scriptedPairs = [("", "")]
        var opts = options(.vsynthesis)
        opts.maxAttemptsPerDemonstration = 2
        let result = try await Synthesizer(model: model).synthesize(definition: "T", format: format, options: opts)
        #expect(result.generations == 12)
        #expect(result.selected.isEmpty)
        #expect(result.drops[.unparseable] == 12)
    }

    @Test func reportsProgressAndHonoursCancellation() async throws {
        let model = RecordingModel()
        model.scriptedPairs = scripted
        let box = Recorded<SynthesisProgress>()
        _ = try await Synthesizer(model: model).synthesize(
            definition: "Name the sound.", format: format, options: options(.vsynthesis)) { box.append($0) }
        #expect(box.items.map(\.round) == [1, 2, 3])
        #expect(box.items.last?.accepted == 6)
        let task = Task {
            try await Synthesizer(model: model).synthesize(definition: "T", format: format, options: options(.vsynthesis))
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func rejectsBadOptions() async {
        var opts = SynthesisOptions()
        opts.count = 0
        await #expect(throws: VSynthesisError.invalidOption(name: "count", message: "must be in 1...1000, got 0")) {
            try await Synthesizer(model: RecordingModel()).synthesize(definition: "T", format: format, options: opts)
        }
    }
}
