import Foundation
import LanguageModel
import Testing
@testable import VSynthesis

/// How a labelled task's output is chosen: by the label scores, calibrated by the scores after a
/// content-free input, so a label the model favours whatever the input does not win everywhere.
@Suite struct LabelChoiceTests {
    /// ln p(" label\n") = bias (sadness is favoured by 3 nats everywhere) + 2 when the text just
    /// before the output label names the label's cue word.
    final class BiasedModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "biased", revision: "1")
        let template = ChatTemplate.chatML
        let cues = ["joy": "party", "sadness": "funeral"]
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            let lastLine = context.split(separator: "\n").dropLast().last.map(String.init) ?? ""
            return continuations.map { continuation in
                let label = continuation.trimmingCharacters(in: .whitespacesAndNewlines)
                var value = label == "sadness" ? -1.0 : -4.0
                if let cue = cues[label], lastLine.contains(cue) { value += 2 }
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    @Test func calibrationRemovesTheModelsFavouriteLabel() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                         labels: ["joy", "sadness"])
        let prompt = GenerationPrompt(template: .chatML, task: "Name the emotion.", format: format)
        let synthesizer = Synthesizer(model: BiasedModel())
        var options = SynthesisOptions()
        options.labelStrategy = .argmax
        func label(_ input: String) async throws -> String {
            try await synthesizer.chooseLabel(context: prompt.outputPrompt(references: [], input: input),
                                              prior: prompt.outputPrompt(references: [], input: GenerationPrompt.contentFree),
                                              labels: format.labels, options: options, seed: 1)
        }
        // Uncalibrated, sadness (-1) would beat joy (-4 + 2) even at a party.
        #expect(try await label("We danced at the party") == "joy")
        #expect(try await label("Everyone cried at the funeral") == "sadness")
    }

    /// ln p(D) for D = a user turn and the label's model turn, by table: under the task (the system
    /// turn names it) the input's cue lifts its label by 2 nats over the model's prior, and the
    /// prior (under ∅) favours sadness by 3 nats whatever the input.
    final class TaskAwareModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "task-aware", revision: "1")
        let template = ChatTemplate.chatML
        static let task = "Name the emotion of the text."
        let prior = ["joy": -4.0, "sadness": -1.0]
        let cues = ["joy": "party", "sadness": "funeral"]
        private(set) var calls = 0
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            calls += 1
            let underTask = context.contains(Self.task)
            return continuations.map { continuation in
                let label = prior.keys.first { continuation.hasSuffix(template.assistantTurn($0)) } ?? ""
                var value = prior[label, default: -20]
                if underTask {
                    value += 1.5
                    if let cue = cues[label], continuation.contains(cue) { value += 2 }
                }
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    /// `.classify` takes the best ln p(D | T), so the prior still wins where the cue's lift is
    /// smaller than it (sadness −1 + 1.5 beats joy −4 + 1.5 + 2 at a party); `.vinfo` takes the best
    /// ln p(D | T) − ln p(D | ∅), where the prior cancels and the cue decides; `.calibrated` the best
    /// ln p(D | T) less the labels' prior over the content-free inputs, where it cancels as well.
    @Test func vInformationCancelsThePriorThatZeroShotKeeps() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                         labels: ["joy", "sadness"])
        let model = TaskAwareModel()
        let synthesizer = Synthesizer(model: model)
        func label(_ input: String, _ strategy: SynthesisOptions.LabelStrategy) async throws -> String {
            try await synthesizer.classify(input: input, task: TaskAwareModel.task, format: format, strategy: strategy).label
        }
        #expect(try await label("We danced at the party", .classify) == "sadness")
        #expect(try await label("We danced at the party", .vinfo) == "joy")
        #expect(try await label("Everyone cried at the funeral", .classify) == "sadness")
        #expect(try await label("Everyone cried at the funeral", .vinfo) == "sadness")
        // Calibrated against the content-free inputs under the task, the prior cancels too.
        #expect(try await label("We danced at the party", .calibrated) == "joy")
        #expect(try await label("Everyone cried at the funeral", .calibrated) == "sadness")
        // No cue: V-information ties (1.5 each), and the tie goes to the earliest label.
        #expect(try await label("It rained", .vinfo) == "joy")
        // The labels' scores are V-Scores in the scorer's cache: the chosen demonstration's final
        // V-Score costs no further model call.
        let before = model.calls
        let score = try await synthesizer.scorer.score(task: TaskAwareModel.task,
                                                       demonstrations: [format.demonstration(input: "It rained", output: "joy")])
        #expect(model.calls == before)
        #expect(score.first?.total == 1.5)
    }

    /// The calibrated labels' prior is the mean over the three content-free inputs of each one's
    /// softmax over the labels, computed by hand here: "N/A" alone leans positive (0.881), the
    /// empty input is even (0.5) and "[MASK]" leans negative (0.047), so the mean leans negative.
    @Test func theLabelPriorAveragesTheContentFreeInputs() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Sentiment", labels: ["positive", "negative"])
        let synthesizer = Synthesizer(model: PriorModel())
        let prior = try await synthesizer.labelPrior(task: "Classify the sentiment.", format: format,
                                                     scorer: synthesizer.scorer.labelling(format))
        let positive = (1 / (1 + Foundation.exp(-2.0)) + 0.5 + 1 / (1 + Foundation.exp(3.0))) / 3
        #expect(prior.count == 2)
        #expect(abs(prior[0] - Foundation.log(positive)) < 1e-12, "\(prior)")
        #expect(abs(prior[1] - Foundation.log(1 - positive)) < 1e-12, "\(prior)")
    }

    /// ln p(D) by content-free input and label, whatever the context.
    final class PriorModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "prior", revision: "1")
        let template = ChatTemplate.chatML
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            continuations.map { continuation in
                let positive = continuation.contains("positive")
                let value: Double = continuation.contains("N/A") ? (positive ? -1 : -3)
                    : continuation.contains("[MASK]") ? (positive ? -4 : -1) : -2
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    /// The margin `SynthesisOptions.labelMargin` compares: the winner's V-Score lead over the
    /// runner-up. The cue lifts joy by 2 nats over sadness; without a cue the labels tie at 0.
    @Test func marginIsTheLeadOverTheRunnerUp() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                         labels: ["joy", "sadness"])
        let synthesizer = Synthesizer(model: TaskAwareModel())
        let cued = try await synthesizer.classify(input: "We danced at the party", task: TaskAwareModel.task,
                                                  format: format, strategy: .vinfo)
        #expect(cued.label == "joy")
        #expect(abs(cued.margin - 2) < 1e-9)
        let plain = try await synthesizer.classify(input: "It rained", task: TaskAwareModel.task, format: format, strategy: .vinfo)
        #expect(plain.margin == 0)
        let single = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false, labels: ["joy"])
        let alone = try await synthesizer.classify(input: "It rained", task: TaskAwareModel.task, format: single, strategy: .vinfo)
        #expect(alone.margin == .infinity)
    }

    /// ln p(D) by table for (context has the task?, input, label): "Very Bad" is `negative` to the
    /// model without the task (−2 against −6), and the task lifts `positive` more than `negative`,
    /// so the V-information choice says positive (3 against 1) while the calibrated zero-shot one
    /// says negative (+1 against −1): `.agreed` drops it. "Lovely" is positive to both.
    final class DisagreeingModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "disagreeing", revision: "1")
        let template = ChatTemplate.chatML
        static let task = "Classify the sentiment."
        let table: [String: [String: (task: Double, null: Double)]] = [
            "Very Bad": ["positive": (-3, -6), "negative": (-1, -2)],
            "Lovely": ["positive": (-1, -4), "negative": (-5, -6)],
            "N/A": ["positive": (-2, -2), "negative": (-2, -2)],
        ]
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            let underTask = context.contains(Self.task)
            return continuations.map { continuation in
                let input = table.keys.first { continuation.contains(template.userTurn("Text: \($0)")) } ?? ""
                let label = ["positive", "negative"].first { continuation.hasSuffix(template.assistantTurn("Sentiment: \($0)")) } ?? ""
                let entry = table[input]?[label] ?? (-20, -20)
                return ContinuationScore(tokenLogprobs: [underTask ? entry.task : entry.null], tokenTexts: [continuation])
            }
        }
    }

    @Test func agreedDropsWhatTheTwoReadingsLabelDifferently() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Sentiment", labels: ["positive", "negative"])
        let synthesizer = Synthesizer(model: DisagreeingModel())
        func choice(_ input: String, _ strategy: SynthesisOptions.LabelStrategy) async throws -> (label: String, margin: Double) {
            try await synthesizer.classify(input: input, task: DisagreeingModel.task, format: format, strategy: strategy)
        }
        #expect(try await choice("Very Bad", .vinfo).label == "positive")
        #expect(try await choice("Very Bad", .calibrated).label == "negative")
        let dropped = try await choice("Very Bad", .agreed)
        #expect(dropped.margin == -.infinity, "below any --label-margin, 0 included: dropped as ambiguous")
        let kept = try await choice("Lovely", .agreed)
        #expect(kept.label == "positive")
        #expect(abs(kept.margin - 2) < 1e-9, "vinfo's lead: (−1 + 4) − (−5 + 6)")
    }

    @Test func valuesEndWhereAnotherLabelledLineBegins() {
        #expect(GenerationPrompt.cleaned(" A friendly stranger\nEcho: A friendly stranger.") == "A friendly stranger")
        #expect(GenerationPrompt.cleaned(" Hi Bo,\nthe server moved: rack 4.\nRegards") == "Hi Bo,\nthe server moved: rack 4.\nRegards")
    }
}
