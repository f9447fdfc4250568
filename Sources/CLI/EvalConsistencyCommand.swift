import Foundation
import VSynthesis

/// `vsynth eval consistency DATA.json`: how well V-Score separates each task's own demonstrations
/// from the others' (AUROC), beside its per-token variants and a BM25 baseline.
enum EvalConsistencyCommand: Command {
    struct Options: ModelOptionsDeclaring {
        let json: Option<Bool> = .flag("json", help: "Print the report as JSON (AUROC per task and measure, wall time).")
        let rows: Option<String?> = .text("rows", value: "OUT", help: "Also write every (task, candidate) score to OUT (reference layout).")
        let frame = EvalCommand.frameOption
        let modelChoice = ModelOptionGroup()
    }

    static let spec = CommandSpec(
        path: ["eval", "consistency"], summary: "AUROC of V-Score and baselines on a task data set.",
        usage: "DATA.json [--json] [--rows OUT.json]",
        options: Options(),
        positionals: 1...1,
        discussion: """
        For each task T, every demonstration of every task is written in T's format and scored against T;
        T's own demonstrations are the positives. Prints the mean and minimum over tasks of the AUROC for
        V-Score, V-Score per token, ln p(D|T) per token and BM25(T, demonstration), and the wall time.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let started = Date()
        let dataset = try TaskDataset.load(path: arguments.positionals[0])
        let frame = EvalCommand.frame(try arguments[\.frame])
        let model = try await EvalCommand.openModel(arguments)
        let report = try await ConsistencyEvaluation(model: model, frame: frame).run(dataset)
        let wall = Date().timeIntervalSince(started)
        if let out = try arguments[\.rows] {
            struct Rows: Encodable { var frame: String; var rows: [ConsistencyEvaluation.Row] }
            try Data(EvalCommand.json(Rows(frame: report.frame, rows: report.rows)).utf8)
                .write(to: URL(fileURLWithPath: out), options: .atomic)
        }
        if try arguments[\.json] {
            struct Output: Encodable {
                var model: String
                var frame: String
                var tasks: [String]
                var auroc: [String: [Double]]
                var mean: [String: Double]
                var min: [String: Double]
                var candidates: Int
                var scoringSeconds: Double
                var wallSeconds: Double
            }
            let measures = ConsistencyEvaluation.Measure.allCases
            Console.out(try EvalCommand.json(Output(
                model: report.model, frame: report.frame, tasks: report.taskIDs, auroc: report.auroc,
                mean: Dictionary(uniqueKeysWithValues: measures.map { ($0.rawValue, report.mean($0)) }),
                min: Dictionary(uniqueKeysWithValues: measures.map { ($0.rawValue, report.minimum($0)) }),
                candidates: report.rows.count, scoringSeconds: report.seconds, wallSeconds: wall)))
        } else {
            var rows = [["measure", "AUROC mean", "min"]]
            for measure in ConsistencyEvaluation.Measure.allCases {
                rows.append([measure.rawValue, EvalCommand.f(report.mean(measure)), EvalCommand.f(report.minimum(measure))])
            }
            Console.out(EvalCommand.table(rows))
            Console.out("\(report.rows.count) candidates scored in \(EvalCommand.f(report.seconds, 1)) s (wall \(EvalCommand.f(wall, 1)) s, \(report.model), frame \(report.frame))")
        }
        return 0
    }
}
