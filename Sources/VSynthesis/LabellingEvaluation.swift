import Foundation
import LanguageModel
import PromptFile

/// `vsynth eval labels`: how often each label strategy gives a labelled test input its right label.
/// A synthesized demonstration is shown to the user and kept in the file, so its label is read as
/// a claim ("Bad." → positive is a wrong demonstration whatever it does to accuracy). `eval icl`
/// measures what the labels do to the model's answers; this measures whether they are true, on the
/// same items, with the same code the synthesizer labels its candidates with
/// (`Synthesizer.classify`, `Synthesizer.chooseLabel` for `.argmax`).
public struct LabellingEvaluation: Sendable {
    /// One strategy on one task.
    public struct Cell: Sendable, Codable {
        public var task: String
        public var strategy: String
        public var items: Int
        public var correct: Int
        /// Items the strategy declined to label (`.agreed` when its two readings disagree).
        public var abstained: Int
        /// How many items got each label, in the task's label order: a strategy that gives every
        /// item one label shows it here.
        public var given: [String: Int]
        /// Correct over labelled (not abstained) items; 0 when none was labelled.
        public var precision: Double { items - abstained > 0 ? Double(correct) / Double(items - abstained) : 0 }
        /// Correct over all items.
        public var accuracy: Double { items > 0 ? Double(correct) / Double(items) : 0 }
    }

    /// One strategy over all tasks: the means of the per-task figures.
    public struct Summary: Sendable, Codable {
        public var strategy: String
        public var meanAccuracy: Double
        public var meanPrecision: Double
        public var abstained: Int
    }

    public struct Report: Sendable, Codable {
        public var model: String
        public var frame: String
        public var cells: [Cell]
        public var summaries: [Summary]
    }

    /// The strategies that label an input on its own (without a generation's references), which
    /// is what this evaluation can give them.
    public static let strategies: [SynthesisOptions.LabelStrategy] = [.argmax, .classify, .vinfo, .calibrated, .agreed]

    public let synthesizer: Synthesizer
    public var strategies: [SynthesisOptions.LabelStrategy]

    public init(model: any LanguageModel, strategies: [SynthesisOptions.LabelStrategy] = Self.strategies,
                frame: ChatTemplate.Kind? = nil) {
        self.synthesizer = Synthesizer(model: model, frame: frame)
        self.strategies = strategies
    }

    /// The label `strategy` gives `input`; nil when it declines. `.score` and `.target` label as
    /// `.argmax` does: the first draws from the same scores, the second only changes what the
    /// generation is asked for.
    public func label(input: String, task: TaskDataset.Task, strategy: SynthesisOptions.LabelStrategy) async throws -> String? {
        let format = task.format
        switch strategy {
        case .classify, .vinfo, .calibrated, .agreed:
            let choice = try await synthesizer.classify(input: input, task: task.definition, format: format, strategy: strategy)
            return choice.margin == -.infinity ? nil : choice.label
        case .argmax, .score, .target:
            // In the generation prompt with no references, as a first round sees it.
            let prompt = GenerationPrompt(template: synthesizer.scorer.labelling(format).frame.template,
                                          task: task.definition, format: format)
            var options = SynthesisOptions()
            options.labelStrategy = .argmax
            return try await synthesizer.chooseLabel(
                context: prompt.outputPrompt(references: [], fields: [input]),
                prior: prompt.outputPrompt(references: [], fields: [GenerationPrompt.contentFree]),
                labels: format.labels, options: options, seed: 0)
        }
    }

    /// The tasks of `dataset` this evaluation reads: those with a label set and a `test` list.
    public static func tasks(in dataset: TaskDataset) -> [TaskDataset.Task] {
        dataset.tasks.filter { !($0.test ?? []).isEmpty && !($0.labels ?? []).isEmpty }
    }

    /// Every strategy on every labelled test item of `dataset`'s tasks that have a label set.
    public func run(_ dataset: TaskDataset, progress: (@Sendable (String) -> Void)? = nil) async throws -> Report {
        var cells: [Cell] = []
        for task in Self.tasks(in: dataset) {
            for strategy in strategies {
                var cell = Cell(task: task.id, strategy: strategy.rawValue, items: 0, correct: 0, abstained: 0, given: [:])
                for item in task.test ?? [] {
                    try Task.checkCancellation()
                    cell.items += 1
                    guard let label = try await label(input: item.input, task: task, strategy: strategy) else {
                        cell.abstained += 1
                        continue
                    }
                    cell.given[label, default: 0] += 1
                    if label == item.output { cell.correct += 1 }
                }
                cells.append(cell)
                progress?("\(task.id) \(strategy.rawValue): \(String(format: "%.3f", cell.accuracy))")
            }
        }
        let summaries = strategies.map { strategy in
            let mine = cells.filter { $0.strategy == strategy.rawValue }
            return Summary(strategy: strategy.rawValue,
                           meanAccuracy: ICLEvaluation.mean(mine.map(\.accuracy)),
                           meanPrecision: ICLEvaluation.mean(mine.map(\.precision)),
                           abstained: mine.map(\.abstained).reduce(0, +))
        }
        return Report(model: synthesizer.model.identity.description, frame: synthesizer.scorer.frame.name,
                      cells: cells, summaries: summaries)
    }
}
