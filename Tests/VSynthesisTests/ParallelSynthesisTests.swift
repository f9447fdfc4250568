import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// A round's candidates generated concurrently (`SynthesisOptions.parallelism`) on the real model:
/// the same seed gives the same demonstrations, drops and label histogram with 1 and 8 at once, the
/// round's generations really overlap and stay within the bound, and cancelling stops every one.
@Suite(.serialized) struct ParallelSynthesisTests {
    /// The example file's top-up with a short target (the test stays quick) at `parallelism`, on a
    /// fresh engine as a new `vsynth` process has.
    func synthesize(_ name: String, parallelism: Int, model: (any LanguageModel)? = nil) async throws -> SynthesisResult {
        let document = try PromptDocument(contentsOfFile: TestFiles.examples.appendingPathComponent(name).path)
        let topUp = TopUp(document: document, task: try #require(document.task?.text))
        var base = SynthesisOptions()
        base.scale = 2
        base.parallelism = parallelism
        let options = topUp.options(base, count: 2)
        let model = try model ?? TestModel.freshModel()
        return try await topUp.synthesize(with: Synthesizer(model: model, frame: document.settings.frame), options: options)
    }

    @Test(arguments: ["sentiment.prompt", "sql.prompt"])
    func sameSeedSameResultWithOneAndEightAtOnce(file: String) async throws {
        let one = try await synthesize(file, parallelism: 1)
        // Each generation waits 0 to 150 ms (by its seed) before it reaches the engine, so the
        // round's candidates finish in another order than their slots.
        let counting = CountingModel(try TestModel.freshModel()) { .milliseconds(Int($0.seed % 4) * 50) }
        let eight = try await synthesize(file, parallelism: 8, model: counting)
        #expect(one.selected == eight.selected)
        #expect(one.pool == eight.pool)
        #expect(one.drops == eight.drops)
        #expect(one.labelHistogram == eight.labelHistogram)
        #expect((one.generations, one.parsed, one.rounds, one.generatedTokens)
                == (eight.generations, eight.parsed, eight.rounds, eight.generatedTokens))
        #expect(!one.selected.isEmpty, "drops \(one.drops.counts), parse rate \(one.parseRate)")
        // The round's generations went to the model together (4 candidates per round), never more.
        #expect(counting.counts.mostInFlight > 1)
        #expect(counting.counts.mostInFlight <= SynthesisOptions().candidatesPerRound)
    }

    @Test func oneAtOnceNeverOverlaps() async throws {
        let counting = CountingModel(try TestModel.freshModel())
        _ = try await synthesize("sentiment.prompt", parallelism: 1, model: counting)
        #expect(counting.counts.mostInFlight == 1)
        #expect(counting.counts.started >= 1)
    }

    /// Cancelling mid-round: the synthesis ends with a cancellation, every generation in flight
    /// ends cancelled, and none begun after the cancel runs to its end.
    @Test func cancellingMidRoundCancelsEveryGenerationInFlight() async throws {
        // Each generation first waits 30 s (cancellably), so the ones in flight when the test cancels
        // are still in flight then: without it, the engine's short generations could all finish
        // between the wait below and the cancel (a CI run saw no generation cancelled).
        let counting = CountingModel(try TestModel.freshModel()) { _ in .seconds(30) }
        let run = Task { try await synthesize("sql.prompt", parallelism: 4, model: counting) }
        let overlapping = await counting.wait { $0.inFlight >= 2 }
        #expect(overlapping, "\(counting.counts)")
        run.cancel()
        counting.markCancelled()
        let outcome = await run.result
        #expect(throws: (any Error).self) { try outcome.get() }
        if case .failure(let error) = outcome {
            #expect(error is CancellationError || (error as? LanguageModelError) == .cancelled, "\(error)")
        }
        let counts = counting.counts
        #expect(counts.inFlight == 0)
        #expect(counts.cancelled >= 1, "\(counts)")
        #expect(counts.completedAfterMark == 0, "\(counts)")
    }

    @Test func parallelismIsValidated() {
        var options = SynthesisOptions()
        for value in [0, -1, Limits.parallel.upperBound + 1] {
            options.parallelism = value
            #expect(throws: VSynthesisError.invalidOption(name: "parallel", message: "must be in 1...256, got \(value)")) {
                try options.validate()
            }
        }
    }
}
