import Foundation
import PromptFile
import VSynthesis

/// `vsynth eval icl DATA.json`: in-context accuracy with zero demonstrations and with each method's
/// synthesized demonstrations, over several seeds.
enum EvalICLCommand: Command {
    struct Options: SynthesisOptionsDeclaring, ModelOptionsDeclaring {
        let json: Option<Bool> = .flag("json", help: "Print the report as JSON (every task, condition and seed, with the demonstrations shown and the answers given).")
        let seeds: Option<[UInt64]> = .list("seeds", default: "1,2,3", expected: "an integer in \(Limits.text(Limits.seed))",
                                            help: "Comma-separated seeds.") { word in
            Int(word).flatMap { Limits.seed.contains($0) ? UInt64($0) : nil }
        }
        let task: Option<[String]> = .repeated("task", value: "ID", help: "Only this task (repeatable).")
        let methods = EvalSynthesisCommand.methodList
        let progress: Option<Bool> = .flag("progress", help: "Report each cell on stderr.")
        let frame = EvalCommand.frameOption
        let synthesis = SynthesisOptionGroup(defaults: EvalSynthesisCommand.defaults)
        let modelChoice = ModelOptionGroup()
    }

    static let spec = CommandSpec(
        path: ["eval", "icl"], summary: "In-context accuracy with synthesized demonstrations.",
        usage: "DATA.json [--json] [--seeds LIST] [--methods LIST] [synthesis options]",
        options: Options(),
        positionals: 1...1,
        discussion: "For tasks with a labelled `test` list, the label with the highest ln p after the task definition, the demonstrations and the input is the answer. Prints mean accuracy over tasks and its spread (standard deviation over seeds) per condition, and per task; the conditions are zero-shot, the data set's own demonstrations (hand-written, where a task has them) and each method. Then each method against zero-shot and against every later method, paired by seed (a seed's draw moves every method alike): the mean difference, the seeds ahead and behind, and each seed's difference.")

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let options = try EvalCommand.synthesisOptions(arguments)
        let methods = try arguments[\.methods]
        let seeds = try arguments[\.seeds]
        let dataset = try EvalCommand.dataset(arguments.positionals[0], only: try arguments[\.task], command: spec.path)
        guard !ICLEvaluation.tasks(in: dataset).isEmpty else {
            throw UsageError(command: spec.path, message: "\(arguments.positionals[0]) has no task with a 'test' list")
        }
        let model = try await EvalCommand.openModel(arguments)
        let started = Date()
        var progress: (@Sendable (String) -> Void)?
        if try arguments[\.progress] || Console.stderrIsTerminal { progress = { Console.err($0) } }
        let report = try await ICLEvaluation(model: model, options: options, methods: methods, seeds: seeds,
                                            frame: EvalCommand.frame(try arguments[\.frame]))
            .run(dataset, progress: progress)
        let wall = Date().timeIntervalSince(started)
        if try arguments[\.json] {
            struct Output: Encodable {
                var model: String; var frame: String; var options: SynthesisOptions; var seeds: [UInt64]; var wallSeconds: Double
                var summaries: [ICLEvaluation.Summary]; var comparisons: [ICLEvaluation.Comparison]; var cells: [ICLEvaluation.Cell]
            }
            Console.out(try EvalCommand.json(Output(model: report.model, frame: report.frame, options: options, seeds: seeds, wallSeconds: wall,
                                                    summaries: report.summaries, comparisons: report.comparisons,
                                                    cells: report.cells)))
            return 0
        }
        let taskIDs = ICLEvaluation.tasks(in: dataset).map(\.id)
        var rows = [["condition", "accuracy", "± sd"] + taskIDs]
        for s in report.summaries {
            rows.append([s.condition, EvalCommand.f(s.meanAccuracy), EvalCommand.f(s.spread)]
                        + taskIDs.map { EvalCommand.f(s.perTask[$0] ?? 0) })
        }
        Console.out(EvalCommand.table(rows))
        let comparisons = report.comparisons
        if !comparisons.isEmpty {
            Console.out("")
            Console.out(EvalCommand.table(comparisonRows(comparisons, seeds: seeds.count)))
        }
        Console.out("seeds \(seeds.map(String.init).joined(separator: ",")), n \(options.count), N \(options.scale), \(EvalCommand.f(wall, 1)) s, \(report.model), frame \(report.frame)")
        return 0
    }

    /// The paired comparisons as table rows: the mean difference, on how many seeds the method is
    /// ahead and behind, and every seed's difference.
    static func comparisonRows(_ comparisons: [ICLEvaluation.Comparison], seeds: Int) -> [[String]] {
        [["paired by seed", "mean", "ahead", "behind", "per seed"]] + comparisons.map { comparison in
            ["\(comparison.condition) − \(comparison.baseline)", signed(comparison.meanDifference),
             "\(comparison.ahead) of \(seeds)", "\(comparison.behind) of \(seeds)",
             comparison.perSeed.map(signed).joined(separator: " ")]
        }
    }

    static func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + EvalCommand.f(value) }
}
