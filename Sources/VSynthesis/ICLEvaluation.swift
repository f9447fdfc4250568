import Foundation
import LanguageModel
import PromptFile

/// `vsynth eval icl`: in-context accuracy on tasks with a labelled `test` list. The prompt is
/// `systemTurn(T)`, then the demonstrations as user/assistant turns, then the test input as a user
/// turn; the answer is the label whose assistant turn has the highest ln p. Every (item, label) pair
/// is one continuation under the shared prefix (T and the demonstrations), so an engine computes the
/// prefix once per demonstration set: the input's tokens add the same amount to each label of an
/// item, so the argmax is that of ln p(label | prefix, input).
public struct ICLEvaluation: Sendable {
    /// Accuracy of one demonstration set on one task.
    public struct Cell: Sendable, Codable {
        public var task: String
        /// `zero-shot` or a synthesis method.
        public var condition: String
        public var seed: UInt64?
        public var demonstrations: Int
        public var accuracy: Double
        /// The demonstrations in the order they were shown (input and label), and the classifier's
        /// answer to each test item: a cell far below zero-shot shows why (movie-sentiment's seeds
        /// at 0.50 answered every review with one label). In the JSON only.
        public var shown: [TaskDataset.Item] = []
        public var answers: [String] = []
    }

    /// Mean and spread over seeds of one condition, averaged over tasks.
    public struct Summary: Sendable, Codable {
        public var condition: String
        public var meanAccuracy: Double
        /// Standard deviation over seeds of the task-averaged accuracy (0 for zero-shot).
        public var spread: Double
        public var perTask: [String: Double]
        /// The task-averaged accuracy per seed, in `Report.seeds` order (one value for zero-shot
        /// and the hand-written demonstrations, which no seed changes).
        public var perSeed: [Double]
    }

    /// One condition against another seed by seed: the differences of their task-averaged
    /// accuracies. Seeds are paired because a seed's draw moves a method's accuracy by as much as
    /// the methods differ (0.04 of spread over seeds against 0.02 between V-Synthesis and topk on
    /// `data/icl.json`), so the per-seed differences say what two means and their spreads cannot.
    public struct Comparison: Sendable, Codable, Equatable {
        public var condition: String
        public var baseline: String
        /// condition − baseline per seed, in `Report.seeds` order.
        public var perSeed: [Double]
        public var meanDifference: Double
        /// Seeds on which `condition` is ahead of `baseline`, and behind it.
        public var ahead: Int
        public var behind: Int

        /// `condition` against `baseline`; a baseline with one value (zero-shot) is the same for
        /// every seed.
        public init(_ condition: Summary, against baseline: Summary) {
            self.condition = condition.condition
            self.baseline = baseline.condition
            perSeed = condition.perSeed.indices.map { index in
                condition.perSeed[index] - baseline.perSeed[baseline.perSeed.count == 1 ? 0 : index]
            }
            meanDifference = ICLEvaluation.mean(perSeed)
            ahead = perSeed.filter { $0 > 0 }.count
            behind = perSeed.filter { $0 < 0 }.count
        }
    }

    public struct Report: Sendable, Codable {
        public var model: String
        /// The frame the demonstrations were scored in and the accuracy prompts written in.
        public var frame: String
        public var seeds: [UInt64]
        public var cells: [Cell]
        public var summaries: [Summary]

        /// Each method against zero-shot, then each method against every later one, by seed.
        public var comparisons: [Comparison] {
            let methods = summaries.filter { $0.condition != "zero-shot" && $0.condition != ICLEvaluation.handWritten }
            guard let zero = summaries.first(where: { $0.condition == "zero-shot" }) else { return [] }
            var result = methods.map { Comparison($0, against: zero) }
            for (index, method) in methods.enumerated() {
                result += methods[(index + 1)...].map { Comparison(method, against: $0) }
            }
            return result
        }
    }

    public let model: any LanguageModel
    public var options: SynthesisOptions
    public var methods: [SynthesisOptions.Method]
    public var seeds: [UInt64]
    /// Scores, prompts the synthesis and writes the accuracy prompts in `frame` (`--frame`), else
    /// in the model's own template.
    public let synthesizer: Synthesizer

    public init(model: any LanguageModel, options: SynthesisOptions,
                methods: [SynthesisOptions.Method] = SynthesisOptions.Method.allCases, seeds: [UInt64] = [1, 2, 3],
                frame: ChatTemplate.Kind? = nil) {
        self.model = model
        self.options = options
        self.methods = methods
        self.seeds = seeds
        self.synthesizer = Synthesizer(model: model, frame: frame)
    }

    /// Fraction of `task`'s test items whose best-scoring label is the right one, given `demonstrations`.
    public func accuracy(task: TaskDataset.Task, demonstrations: [Demonstration]) async throws -> Double {
        Self.accuracy(task: task, answers: try await answers(task: task, demonstrations: demonstrations))
    }

    /// The best-scoring label for each of `task`'s test items, given `demonstrations`.
    public func answers(task: TaskDataset.Task, demonstrations: [Demonstration]) async throws -> [String] {
        let items = task.test ?? []
        let labels = task.answerSet
        guard !items.isEmpty, !labels.isEmpty else { return [] }
        let classifier = InContextClassifier(model: model, template: synthesizer.scorer.frame.template,
                                             definition: task.definition, format: task.format, labels: labels)
        let scores = try await classifier.labelScores(demonstrations: demonstrations, inputs: items.map(\.input))
        return scores.map { labels[$0.indexOfMax] }
    }

    static func accuracy(task: TaskDataset.Task, answers: [String]) -> Double {
        let items = task.test ?? []
        guard !items.isEmpty, answers.count == items.count else { return 0 }
        return Double(zip(items, answers).filter { $0.output == $1 }.count) / Double(items.count)
    }

    /// One cell: `demonstrations` shown to the classifier on `task`'s test items.
    private func cell(_ task: TaskDataset.Task, _ condition: String, seed: UInt64?,
                      demonstrations: [Demonstration]) async throws -> Cell {
        let answers = try await answers(task: task, demonstrations: demonstrations)
        let shown = demonstrations.map { task.format.values(of: $0) }.map { TaskDataset.Item(input: $0.input, output: $0.output) }
        return Cell(task: task.id, condition: condition, seed: seed, demonstrations: demonstrations.count,
                    accuracy: Self.accuracy(task: task, answers: answers), shown: shown, answers: answers)
    }

    /// The tasks of `dataset` this evaluation reads: those with a `test` list.
    public static func tasks(in dataset: TaskDataset) -> [TaskDataset.Task] {
        dataset.tasks.filter { !($0.test ?? []).isEmpty }
    }

    public func run(_ dataset: TaskDataset, progress: (@Sendable (String) -> Void)? = nil) async throws -> Report {
        let tasks = Self.tasks(in: dataset)
        var cells: [Cell] = []
        for task in tasks {
            let zero = try await cell(task, "zero-shot", seed: nil, demonstrations: [])
            cells.append(zero)
            progress?("\(task.id) zero-shot: \(String(format: "%.3f", zero.accuracy))")
            if !task.demos.isEmpty {
                // The data set's own demonstrations: what a careful person would have written, so
                // the synthesized sets have a bar above zero-shot to be read against.
                let given = try await cell(task, Self.handWritten, seed: nil, demonstrations: task.demos.map(task.demonstration))
                cells.append(given)
                progress?("\(task.id) \(Self.handWritten): \(String(format: "%.3f", given.accuracy))")
            }
            for method in methods {
                for seed in seeds {
                    try Task.checkCancellation()
                    var runOptions = options
                    runOptions.method = method
                    runOptions.seed = seed
                    let result = try await synthesizer.synthesize(
                        definition: task.definition, format: task.format, options: runOptions)
                    let synthesized = try await cell(task, method.rawValue, seed: seed,
                                                     demonstrations: result.selected.map(\.demonstration))
                    cells.append(synthesized)
                    progress?("\(task.id) \(method.rawValue) seed \(seed): \(String(format: "%.3f", synthesized.accuracy))")
                }
            }
        }
        let given = cells.contains { $0.condition == Self.handWritten } ? [Self.handWritten] : []
        let conditions = ["zero-shot"] + given + methods.map(\.rawValue)
        let summaries = conditions.map { condition -> Summary in
            let mine = cells.filter { $0.condition == condition }
            var perTask: [String: Double] = [:]
            for task in tasks {
                perTask[task.id] = Self.mean(mine.filter { $0.task == task.id }.map(\.accuracy))
            }
            // Task-averaged accuracy per seed, then its mean and standard deviation.
            let seedsSeen = condition == "zero-shot" || condition == Self.handWritten ? [nil] : seeds.map { Optional($0) }
            let perSeed = seedsSeen.map { seed in Self.mean(mine.filter { $0.seed == seed }.map(\.accuracy)) }
            let mean = Self.mean(perSeed)
            let variance = perSeed.count > 1
                ? perSeed.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(perSeed.count - 1) : 0
            return Summary(condition: condition, meanAccuracy: mean, spread: variance.squareRoot(), perTask: perTask,
                           perSeed: perSeed)
        }
        return Report(model: model.identity.description, frame: synthesizer.scorer.frame.name, seeds: seeds,
                      cells: cells, summaries: summaries)
    }

    /// The condition of the data set's own demonstrations (`demos`), evaluated once per task.
    public static let handWritten = "hand-written"

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
