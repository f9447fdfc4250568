import PromptFile
import Support

/// One round of V-Synthesis (docs/method.md, "The round plan"): every slot is planned from the
/// state at the round's start, the slots' candidates are generated with up to
/// `SynthesisOptions.parallelism` in flight, and their outcomes are consumed in slot order. So the
/// result does not depend on the parallelism, nor on the order in which generations finish.
extension Synthesizer {
    /// What slot `slot` of a round generates from: its references drawn from `pool` by
    /// `generator` in slot order, its target label (`.target`: the least covered label, as if every
    /// earlier slot of the round got its own target), its seed, and the inputs that its input is
    /// drawn again for repeating (`written`: the words of every input of the run so far, the file's
    /// own included).
    func planRound(_ round: Int, slots: Int, pool: [ScoredDemonstration], labelCounts: [String: Int],
                   written: Set<[String]> = [], targeting: Bool, format: DemonstrationFormat, options: SynthesisOptions,
                   using generator: inout SplitMix64) -> [SlotPlan] {
        var counts = labelCounts
        return (0..<slots).map { slot in
            let references = chooseReferences(pool, options: options, format: format, using: &generator)
            let target = targeting ? Self.leastCovered(format.labels, counts: counts) : nil
            if let target { counts[target, default: 0] += 1 }
            return SlotPlan(slot: slot, references: references, target: target,
                            seed: SplitMix64.derive(options.seed, 2, UInt64(round), UInt64(slot)), written: written)
        }
    }

    /// Generates the candidates of `plans`, at most `options.parallelism` at once, started in slot
    /// order, and hands each attempt to `consume` in slot order. When `consume` returns false the
    /// round ends: the generations still running are cancelled, and no later slot is consumed or
    /// started. A slot that failed throws when its turn to be consumed comes (the error of a slot
    /// past the end of the round is never seen), so failures too are those of the one-at-a-time run.
    func generateRound(_ plans: [SlotPlan], prompt: GenerationPrompt, options: SynthesisOptions,
                       consume: (CandidateAttempt) throws -> Bool) async throws {
        let width = max(1, options.parallelism)
        // The children never throw (each hands back its slot's result, `SlotResult`); an error is
        // thrown when its slot's turn comes, after the group.
        var failure: (any Error)?
        await withTaskGroup(of: SlotResult.self) { group in
            var started = 0
            var consumed = 0
            var finished: [Int: Result<CandidateAttempt, any Error>] = [:]
            while consumed < plans.count {
                // In flight: started less finished (consumed or waiting for an earlier slot).
                while started < plans.count, started - consumed - finished.count < width {
                    let plan = plans[started]
                    started += 1
                    group.addTask {
                        do {
                            return SlotResult(slot: plan.slot, .success(try await generateCandidate(prompt, plan: plan, options: options)))
                        } catch {
                            return SlotResult(slot: plan.slot, .failure(error))
                        }
                    }
                }
                guard let done = await group.next() else {
                    failure = VSynthesisError.model("internal: a round ended with \(plans.count - consumed) of its \(plans.count) candidates unaccounted for")
                    return
                }
                finished[done.slot] = done.result
                while let next = finished.removeValue(forKey: consumed) {
                    consumed += 1
                    do {
                        guard try consume(try next.get()) else {
                            group.cancelAll()
                            return
                        }
                    } catch {
                        failure = error
                        group.cancelAll()
                        return
                    }
                }
            }
        }
        if let failure { throw failure }
    }
}

/// What one slot of a round generates from, fixed when the round starts.
struct SlotPlan: Sendable {
    /// Its place in the round, from 0.
    var slot: Int
    /// The demonstrations shown to the model, as (input, output).
    var references: [(input: String, output: String)]
    /// The label the input is asked for (`.target`), else nil.
    var target: String?
    /// Seeds every generation of the slot (derived from the run's seed, the round and the slot).
    var seed: UInt64
    /// The words (`TextStatistics.words`) of the inputs written before the round began: an input
    /// that repeats one is drawn again (`SynthesisOptions.redraws`), since it would be a duplicate, a
    /// candidate spent for nothing. One set for the round, shared by its slots.
    var written: Set<[String]> = []
}

/// A slot's attempt as the round's task group hands it back: boxed, since the release build
/// corrupted a `(Int, Result<CandidateAttempt, any Error>)` group result (slot numbers read as garbage).
final class SlotResult: Sendable {
    let slot: Int
    let result: Result<CandidateAttempt, any Error>

    init(slot: Int, _ result: Result<CandidateAttempt, any Error>) {
        self.slot = slot
        self.result = result
    }
}
