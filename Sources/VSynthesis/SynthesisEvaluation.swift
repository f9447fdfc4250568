import Foundation
import LanguageModel
import PromptFile

/// `vsynth eval synthesis`: for each task, synthesize n demonstrations from scratch with each method
/// and report parse rate, drops by reason (leaks among them), mean V-Score, diversity (distinct-2,
/// mean pairwise token Jaccard), for labelled tasks label coverage of the chosen demonstrations, and
/// for tasks with a JSON output schema the share of outputs that validate.
public struct SynthesisEvaluation: Sendable {
    /// One (task, method) run.
    public struct Run: Sendable, Codable {
        public var task: String
        public var method: String
        public var seed: UInt64
        public var generations: Int
        public var parseRate: Double
        public var drops: [String: Int]
        public var selected: [Demonstration]
        /// Demonstrations chosen but not kept, all of one label (`SynthesisResult.withheld`).
        public var withheld: Int
        /// Mean V-Score of the chosen demonstrations; nil when none was chosen (a mean of nothing
        /// is not 0, and would pull the method's mean towards it).
        public var meanVScore: Double?
        public var meanVScorePerToken: Double?
        public var distinct2: Double
        public var meanPairwiseJaccard: Double
        /// Chosen labels over the task's labels (1 without a label set), and the histogram.
        public var labelCoverage: Double
        public var labelHistogram: [LabelCount]
        /// Parsed candidates whose output validates against the task's JSON output schema, over
        /// the parsed candidates; nil for a task without one.
        public var schemaValid: Double?
        public var generatedTokens: Int
        public var seconds: Double
    }

    /// Means over tasks for one method.
    public struct Summary: Sendable, Codable {
        public var method: String
        public var parseRate: Double
        public var drops: [String: Int]
        /// Means over the runs that chose demonstrations; nil when none did.
        public var meanVScore: Double?
        public var meanVScorePerToken: Double?
        public var distinct2: Double
        public var meanPairwiseJaccard: Double
        /// Mean label coverage over the labelled tasks (1 when none has labels).
        public var labelCoverage: Double
        /// Mean schema-valid share over the tasks with a JSON output schema (nil when none has one).
        public var schemaValid: Double?
        public var selected: Int
        public var withheld: Int
        public var seconds: Double
    }

    public struct Report: Sendable, Codable {
        public var model: String
        /// The frame the candidates were scored and prompted in.
        public var frame: String
        public var runs: [Run]
        public var summaries: [Summary]
    }

    public let model: any LanguageModel
    public var options: SynthesisOptions
    public var methods: [SynthesisOptions.Method]
    /// Scores and prompts in `frame` (`--frame`), else in the model's own template.
    public let synthesizer: Synthesizer

    public init(model: any LanguageModel, options: SynthesisOptions,
                methods: [SynthesisOptions.Method] = SynthesisOptions.Method.allCases, frame: ChatTemplate.Kind? = nil) {
        self.model = model
        self.options = options
        self.methods = methods
        self.synthesizer = Synthesizer(model: model, frame: frame)
    }

    /// The texts diversity is measured on: each demonstration's input and output values.
    static func texts(_ demonstrations: [Demonstration], _ format: DemonstrationFormat) -> [String] {
        demonstrations.map { let v = format.values(of: $0); return v.input + " " + v.output }
    }

    public func run(_ dataset: TaskDataset, progress: (@Sendable (String) -> Void)? = nil) async throws -> Report {
        var runs: [Run] = []
        for task in dataset.tasks {
            for method in methods {
                try Task.checkCancellation()
                var runOptions = options
                runOptions.method = method
                let started = Date()
                let result = try await synthesizer.synthesize(
                    definition: task.definition, format: task.format, options: runOptions)
                let scores = result.selected.compactMap(\.score)
                let chosen = result.selected.map(\.demonstration)
                let texts = Self.texts(chosen, task.format)
                runs.append(Run(task: task.id, method: method.rawValue, seed: options.seed,
                                generations: result.generations, parseRate: result.parseRate,
                                drops: result.drops.counts, selected: chosen, withheld: result.withheld.count,
                                meanVScore: Self.meanOrNil(scores.map(\.total)),
                                meanVScorePerToken: Self.meanOrNil(scores.map(\.perToken)),
                                distinct2: TextStatistics.distinct2(texts),
                                meanPairwiseJaccard: TextStatistics.meanPairwiseJaccard(texts),
                                labelCoverage: result.labelCoverage, labelHistogram: result.labelHistogram,
                                schemaValid: task.format.outputSchema == nil ? nil : result.schemaValidRate,
                                generatedTokens: result.generatedTokens,
                                seconds: Date().timeIntervalSince(started)))
                progress?("\(task.id) \(method.rawValue): \(chosen.count) chosen, parse rate \(String(format: "%.2f", result.parseRate))")
            }
        }
        let summaries = methods.map { method -> Summary in
            let mine = runs.filter { $0.method == method.rawValue }
            var drops: [String: Int] = [:]
            for run in mine { for (key, value) in run.drops { drops[key, default: 0] += value } }
            return Summary(method: method.rawValue, parseRate: Self.mean(mine.map(\.parseRate)), drops: drops,
                           meanVScore: Self.meanOrNil(mine.compactMap(\.meanVScore)),
                           meanVScorePerToken: Self.meanOrNil(mine.compactMap(\.meanVScorePerToken)),
                           distinct2: Self.mean(mine.map(\.distinct2)),
                           meanPairwiseJaccard: Self.mean(mine.map(\.meanPairwiseJaccard)),
                           labelCoverage: mine.contains { !$0.labelHistogram.isEmpty }
                               ? Self.mean(mine.filter { !$0.labelHistogram.isEmpty }.map(\.labelCoverage)) : 1,
                           schemaValid: Self.meanOrNil(mine.compactMap(\.schemaValid)),
                           selected: mine.map(\.selected.count).reduce(0, +),
                           withheld: mine.map(\.withheld).reduce(0, +),
                           seconds: mine.map(\.seconds).reduce(0, +))
        }
        return Report(model: model.identity.description, frame: synthesizer.scorer.frame.name, runs: runs, summaries: summaries)
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The mean, or nil for no values (where 0 would be a made-up figure).
    static func meanOrNil(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : mean(values)
    }
}
