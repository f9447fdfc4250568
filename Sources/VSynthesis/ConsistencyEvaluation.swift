import Foundation
import LanguageModel

/// `vsynth eval consistency`: for each task T, every demonstration of every task is written in T's
/// format and scored against T; T's own demonstrations are the positives. Reports the AUROC of each
/// measure per task, and their mean and minimum over tasks.
public struct ConsistencyEvaluation: Sendable {
    /// The measures compared, in report order.
    public enum Measure: String, CaseIterable, Sendable, Codable {
        case vscore
        case vscorePerToken = "vscore_per_token"
        case logpTaskPerToken = "logp_T_per_token"
        case bm25
    }

    /// One (task, candidate) score, in the reference script's JSON layout.
    public struct Row: Sendable, Codable, Equatable {
        public var task: String
        public var candidateTask: String
        public var input: String
        public var output: String
        public var tokens: Int
        public var logpTask: Double
        public var logpNull: Double
        public var vscore: Double
        public var bm25: Double?

        enum CodingKeys: String, CodingKey {
            case task, input, output, tokens, vscore, bm25
            case candidateTask = "candidate_task"
            case logpTask = "logp_T"
            case logpNull = "logp_null"
        }
    }

    public struct Report: Sendable, Codable {
        public var model: String
        public var frame: String
        /// AUROC per measure (raw value) per task id, in data set order.
        public var auroc: [String: [Double]]
        public var taskIDs: [String]
        public var rows: [Row]
        public var seconds: Double

        public func mean(_ measure: Measure) -> Double {
            let values = auroc[measure.rawValue] ?? []
            return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }

        public func minimum(_ measure: Measure) -> Double { (auroc[measure.rawValue] ?? []).min() ?? 0 }
    }

    public let model: any LanguageModel
    /// The frame to score in instead of the model's template (`--frame`); nil: the model's.
    public let frame: ChatTemplate.Kind?

    public init(model: any LanguageModel, frame: ChatTemplate.Kind? = nil) {
        self.model = model
        self.frame = frame
    }

    public func run(_ dataset: TaskDataset) async throws -> Report {
        let started = Date()
        let scorer = VScorer(model: model, frame: frame)
        let candidates = dataset.tasks.flatMap { task in task.demos.map { (owner: task.id, item: $0) } }
        let requests = dataset.tasks.map { task in
            (task: task.definition, demonstrations: candidates.map { task.demonstration($0.item) })
        }
        let scores = try await scorer.score(requests: requests)
        var auroc: [String: [Double]] = [:]
        var rows: [Row] = []
        for (task, taskScores) in zip(dataset.tasks, scores) {
            let bm25 = BM25(corpus: candidates.map { $0.item.input + " " + $0.item.output })
            var positives: [Measure: [Double]] = [:], negatives: [Measure: [Double]] = [:]
            for (index, (candidate, score)) in zip(candidates, taskScores).enumerated() {
                let lexical = bm25.score(query: task.definition, document: index)
                let values: [Measure: Double] = [.vscore: score.total, .vscorePerToken: score.perToken,
                                                 .logpTaskPerToken: score.logpTaskPerToken, .bm25: lexical]
                for (measure, value) in values {
                    if candidate.owner == task.id { positives[measure, default: []].append(value) } else {
                        negatives[measure, default: []].append(value)
                    }
                }
                rows.append(Row(task: task.id, candidateTask: candidate.owner, input: candidate.item.input,
                                output: candidate.item.output, tokens: score.tokenCount, logpTask: score.logpTask,
                                logpNull: score.logpNull, vscore: score.total, bm25: lexical))
            }
            for measure in Measure.allCases {
                if let value = AUROC.compute(positives: positives[measure] ?? [], negatives: negatives[measure] ?? []) {
                    auroc[measure.rawValue, default: []].append(value)
                }
            }
        }
        return Report(model: model.identity.description, frame: scorer.frame.name, auroc: auroc,
                      taskIDs: dataset.tasks.map(\.id), rows: rows, seconds: Date().timeIntervalSince(started))
    }
}
