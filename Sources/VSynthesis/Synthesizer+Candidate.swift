import Foundation
import LanguageModel
import PromptFile
import Support

/// Generating one candidate: its input fields in guided steps, then its output, which for a task
/// with a label set is chosen by scoring the labels rather than generated.
extension Synthesizer {
    /// One candidate; `.unparseable` when a step ran out of tokens or wrote nothing, or the result
    /// does not read back in the prompt's layout; `.ambiguous` when its label is a guess (both with
    /// what was written and why, for `--show-drops`). `plan`
    /// gives the references, the seed and the label the input is asked for (`.target`); the output
    /// is still the label the scores choose, so an input that missed its target keeps the label it
    /// reads as. An input that repeats one written before the round is drawn again
    /// (`SynthesisOptions.redraws`). Cancellation is checked before every model call.
    func generateCandidate(_ prompt: GenerationPrompt, plan: SlotPlan, options: SynthesisOptions) async throws -> CandidateAttempt {
        let (references, seed) = (plan.references, plan.seed)
        var tokens = 0
        var generationOptions = GenerationOptions(maxTokens: options.maxTokens, temperature: options.temperature,
                                                  topP: options.topP, seed: SplitMix64.derive(seed, 1))
        // An input field may not open with a label ("Sports, Business, Science" for a headline): the
        // leak filter would drop it, and a small model that starts that way does so every time.
        generationOptions.bannedOpenings = prompt.format.labels
        // An input that repeats one written before is drawn again (`SynthesisOptions.redraws`).
        var drawn = try await drawInput(prompt, plan: plan, draw: 0, options: generationOptions, tokens: &tokens)
        while case .fields(let values, _) = drawn, drawn.draw < options.redraws,
              plan.written.contains(TextStatistics.words(prompt.input(fromFields: values))) {
            drawn = try await drawInput(prompt, plan: plan, draw: drawn.draw + 1, options: generationOptions, tokens: &tokens)
        }
        let fields: [String]
        switch drawn {
        case .fields(let values, _): fields = values
        case .unparseable(let written, let why, _): return CandidateAttempt(.unparseable(written, why: why), tokens: tokens)
        }
        try Task.checkCancellation()
        let input = prompt.input(fromFields: fields)
        let output: String
        if !prompt.format.labels.isEmpty, [.classify, .vinfo, .calibrated, .agreed].contains(options.labelStrategy) {
            let choice = try await classify(input: input, task: prompt.task,
                                            format: prompt.format, strategy: options.labelStrategy)
            if choice.margin < options.labelMargin {
                let guess = prompt.format.demonstration(input: input, output: choice.label)
                let why = choice.margin.isFinite
                    ? String(format: "leads the next label by %.2f nats, under the margin %g", choice.margin, options.labelMargin)
                    : "the label strategies disagree"
                return CandidateAttempt(.ambiguous(guess, why: why), tokens: tokens)
            }
            output = choice.label
        } else if !prompt.format.labels.isEmpty {
            output = try await chooseLabel(context: prompt.outputPrompt(references: references, fields: fields),
                                           prior: prompt.outputPrompt(references: references,
                                                                      fields: fields.map { _ in GenerationPrompt.contentFree }),
                                           labels: prompt.format.labels, options: options, seed: SplitMix64.derive(seed, 3))
        } else {
            generationOptions.seed = SplitMix64.derive(seed, 2)
            generationOptions.stop = prompt.stop
            if let schema = prompt.format.outputSchema { generationOptions.constraint = .json(schema) }
            let step = try await model.generate(prompt: prompt.outputPrompt(references: references, fields: fields),
                                                options: generationOptions)
            tokens += step.tokenCount
            // A JSON output is kept as generated: its quotes are JSON's, not a wrapper to strip.
            output = generationOptions.constraint == nil ? GenerationPrompt.cleaned(step.text) : step.text.trimmingWhitespace
            guard step.finishReason != .length, !output.isEmpty else {
                let written = prompt.format.demonstration(input: input, output: step.text.trimmingWhitespace)
                return CandidateAttempt(.unparseable(written, why: Self.failure(step, writing: prompt.parser.outputLabel, limit: options.maxTokens)),
                                        tokens: tokens)
            }
        }
        guard prompt.fieldLabels.count == 1 else {
            return CandidateAttempt(.candidate(prompt.format.demonstration(input: input, output: output)),
                                    tokens: tokens)
        }
        let parsed = prompt.parser.demonstrations(in: prompt.completion(input: fields[0], output: output)).first
        let written = prompt.format.demonstration(input: fields[0], output: output)
        return CandidateAttempt(parsed.map(CandidateOutcome.candidate)
                                    ?? .unparseable(written, why: "does not read back in the prompt's layout"), tokens: tokens)
    }

    /// One draw of a candidate's input: each field in its guided step, or what was written when a step
    /// ran out of tokens or wrote nothing. Draw 0 is the slot's first; a redraw (`draw` > 0) has seeds
    /// of its own and the same prompts.
    func drawInput(_ prompt: GenerationPrompt, plan: SlotPlan, draw: Int, options: GenerationOptions,
                   tokens: inout Int) async throws -> InputDraw {
        var options = options
        var fields: [String] = []
        for index in prompt.fieldLabels.indices {
            try Task.checkCancellation()
            options.seed = Self.inputSeed(plan.seed, draw: draw, field: index)
            options.stop = prompt.stop(afterField: index)
            let step = try await model.generate(prompt: prompt.fieldPrompt(references: plan.references, fields: fields, target: plan.target),
                                                options: options)
            tokens += step.tokenCount
            let value = GenerationPrompt.cleaned(step.text)
            guard step.finishReason != .length, !value.isEmpty else {
                let written = prompt.format.demonstration(input: prompt.input(fromFields: fields + [step.text.trimmingWhitespace]), output: "")
                return .unparseable(written, why: Self.failure(step, writing: prompt.fieldLabels[index], limit: options.maxTokens), draw: draw)
            }
            fields.append(value)
        }
        return .fields(fields, draw: draw)
    }

    /// The seed of input field `field` in draw `draw` of the slot seeded `seed`: the first draw's are
    /// those the slot always had, so that a run without redraws is unchanged.
    static func inputSeed(_ seed: UInt64, draw: Int, field: Int) -> UInt64 {
        switch (draw, field) {
        case (0, 0): SplitMix64.derive(seed, 1)
        case (0, _): SplitMix64.derive(seed, 1, UInt64(field))
        case (_, 0): SplitMix64.derive(seed, 4, UInt64(draw))
        default: SplitMix64.derive(seed, 4, UInt64(draw), UInt64(field))
        }
    }

    /// Why a generation step gave no value, in words.
    static func failure(_ step: Generation, writing label: String, limit: Int) -> String {
        step.finishReason == .length ? "hit the \(limit)-token limit writing \(label)"
                                     : "wrote nothing for \(label)"
    }

    /// The output of a labelled task: every label is scored as the continuation of `context` (the
    /// generation prompt up to the output label), ln p(" label\n"), less the same label's ln p after
    /// `prior` (the same prompt with a content-free input, "N/A"): contextual calibration (Zhao et
    /// al. 2021), which removes the small model's bias toward one label; without it, SmolLM2-135M
    /// gave 5 of 6 emotion candidates the label "sadness". One label is then drawn from the softmax
    /// of the calibrated scores at the generation temperature (the argmax at temperature 0 or with
    /// `.argmax`). Never free text: the result is one of `labels`, spelt as given.
    func chooseLabel(context: String, prior: String, labels: [String], options: SynthesisOptions,
                     seed: UInt64) async throws -> String {
        let continuations = labels.map { " \($0)\n" }
        let scores = try await model.score(context: context, continuations: continuations)
        let priors = try await model.score(context: prior, continuations: continuations)
        guard scores.count == labels.count, priors.count == labels.count else {
            throw VSynthesisError.scoreCountMismatch(expected: labels.count, got: min(scores.count, priors.count))
        }
        let logprobs = zip(scores, priors).map { $0.total - $1.total }
        if options.labelStrategy != .score || options.temperature == 0 {
            return labels[logprobs.indexOfMax]
        }
        var generator = SplitMix64(seed: seed)
        let weights = Weighting.softmax(temperature: options.temperature).weights(logprobs)
        let drawn = ProportionalSampler.sample(weights: weights, count: 1, using: &generator)
        return labels[drawn.first ?? 0]
    }

    /// The label of a generated `input` chosen outside the generation prompt, in the V-Score frame
    /// (`.classify`, `.vinfo`, `.calibrated`): each label's demonstration is V-scored (through the
    /// scorer's cache, so the chosen one's score is free later), and the best by ln p(D | T)
    /// (`.classify`), by V(D) (`.vinfo`) or by ln p(D | T) less the same label's ln p(D | T) after
    /// the input "N/A" (`.calibrated`) wins, ties to the earliest label; `.agreed` takes `.vinfo`'s
    /// label when `.calibrated` chooses the same, else gives a margin of −∞ (dropped as ambiguous).
    /// Never free text. The margin is the winner's lead over the runner-up in nats (infinite with a
    /// single label).
    func classify(input: String, task: String, format: DemonstrationFormat,
                  strategy: SynthesisOptions.LabelStrategy) async throws -> (label: String, margin: Double) {
        let labels = format.labels
        let scorer = self.scorer.labelling(format)
        let scores = try await scorer.score(task: task, demonstrations: labels.map { format.demonstration(input: input, output: $0) })
        guard scores.count == labels.count else {
            throw VSynthesisError.scoreCountMismatch(expected: labels.count, got: scores.count)
        }
        var key = scores.map { strategy == .vinfo || strategy == .agreed ? $0.total : $0.logpTask }
        var calibrated: [Double] = []
        if strategy == .calibrated || strategy == .agreed {
            let prior = try await labelPrior(task: task, format: format, scorer: scorer)
            calibrated = zip(scores, prior).map { $0.logpTask - $1 }
            if strategy == .calibrated { key = calibrated }
        }
        let best = key.indexOfMax
        if strategy == .agreed, calibrated.indexOfMax != best {
            // Two readings of the label disagree: the label is a guess.
            return (labels[best], -.infinity)
        }
        let runnerUp = key.indices.filter { $0 != best }.map { key[$0] }.max()
        return (labels[best], runnerUp.map { key[best] - $0 } ?? .infinity)
    }

    /// ln of the model's mean probability of each label over the content-free inputs
    /// (`GenerationPrompt.contentFreeInputs`): for each input, the softmax over the labels of each
    /// label's demonstration's ln p(D | T), then the mean over the inputs (contextual calibration's
    /// prior, Zhao et al. 2021). Through the scorer's cache, so a synthesis computes it for its first
    /// candidate only. "N/A" alone labelled 382 of the five ICL sets' 502 test inputs right, the
    /// three 393 (`vsynth eval labels DATA --strategies calibrated`).
    func labelPrior(task: String, format: DemonstrationFormat, scorer: VScorer) async throws -> [Double] {
        let labels = format.labels
        let inputs = GenerationPrompt.contentFreeInputs
        var mass = [Double](repeating: 0, count: labels.count)
        for input in inputs {
            let scores = try await scorer.score(task: task, demonstrations: labels.map {
                format.demonstration(input: input, output: $0)
            })
            guard scores.count == labels.count else {
                throw VSynthesisError.scoreCountMismatch(expected: labels.count, got: scores.count)
            }
            let weights = Weighting.softmax(temperature: 1).weights(scores.map(\.logpTask))
            let total = weights.reduce(0, +)
            for label in labels.indices { mass[label] += weights[label] / total / Double(inputs.count) }
        }
        return mass.map { Foundation.log($0) }
    }

    /// The label a candidate is generated for (`.target`): the least covered in `counts`, ties
    /// going to the earliest in the label set, so labels come round-robin.
    static func leastCovered(_ labels: [String], counts: [String: Int]) -> String? {
        labels.min { counts[$0, default: 0] < counts[$1, default: 0] }
    }
}

/// What one attempt at a candidate gave.
enum CandidateOutcome: Sendable {
    case candidate(Demonstration)
    /// No complete example in the expected layout (`DropReason.unparseable`): what was written (the
    /// step that failed gives its text as it came) and why.
    case unparseable(Demonstration, why: String)
    /// A labelled example whose label the scores cannot tell (`DropReason.ambiguous`), with its best
    /// label, and why.
    case ambiguous(Demonstration, why: String)
}

/// One draw of a candidate's input (`Synthesizer.drawInput`), numbered from 0.
enum InputDraw {
    case fields([String], draw: Int)
    /// A step ran out of tokens or wrote nothing: what was written and why.
    case unparseable(Demonstration, why: String, draw: Int)

    var draw: Int {
        switch self {
        case .fields(_, let draw), .unparseable(_, _, let draw): draw
        }
    }
}

/// One attempt at a candidate with the tokens its generations took.
struct CandidateAttempt: Sendable {
    var outcome: CandidateOutcome
    var tokens: Int

    init(_ outcome: CandidateOutcome, tokens: Int) {
        self.outcome = outcome
        self.tokens = tokens
    }
}
