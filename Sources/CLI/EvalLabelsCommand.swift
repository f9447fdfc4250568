import Foundation
import VSynthesis

/// `vsynth eval labels DATA.json`: how often each label strategy (`--labels` of `synthesize`)
/// gives a labelled test input its right label, so a strategy can be chosen for labels that are
/// true, not only for the accuracy they lead to (`eval icl`).
enum EvalLabelsCommand: Command {
    struct Options: ModelOptionsDeclaring {
        let json: Option<Bool> = .flag("json", help: "Print the report as JSON (every task and strategy, with the labels given).")
        let task: Option<[String]> = .repeated("task", value: "ID", help: "Only this task (repeatable).")
        let strategies: Option<[SynthesisOptions.LabelStrategy]> = .choiceList(
            "strategies", choices: LabellingEvaluation.strategies, default: LabellingEvaluation.strategies,
            help: "Comma-separated label strategies (those of synthesize --labels that label an input on its own).")
        let progress: Option<Bool> = .flag("progress", help: "Report each cell on stderr.")
        let frame = EvalCommand.frameOption
        let modelChoice = ModelOptionGroup()
    }

    static let spec = CommandSpec(
        path: ["eval", "labels"], summary: "How often each label strategy labels a test input right.",
        usage: "DATA.json [--json] [--task ID]... [--strategies LIST]",
        options: Options(),
        positionals: 1...1,
        discussion: "Every labelled `test` item of every task with `labels` is labelled by each strategy as synthesize labels a generated input (argmax in the generation prompt without references). Prints per strategy the accuracy (right labels over items), the precision (right over the items it labelled: agreed abstains where its two readings disagree) and the abstentions, averaged over tasks, then per task the accuracy and how many items got each label.")

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let strategies = try arguments[\.strategies]
        let dataset = try EvalCommand.dataset(arguments.positionals[0], only: try arguments[\.task], command: spec.path)
        guard !LabellingEvaluation.tasks(in: dataset).isEmpty else {
            throw UsageError(command: spec.path, message: "\(arguments.positionals[0]) has no task with both 'labels' and a 'test' list")
        }
        let model = try await EvalCommand.openModel(arguments)
        let started = Date()
        var progress: (@Sendable (String) -> Void)?
        if try arguments[\.progress] || Console.stderrIsTerminal { progress = { Console.err($0) } }
        let report = try await LabellingEvaluation(model: model, strategies: strategies,
                                                   frame: EvalCommand.frame(try arguments[\.frame]))
            .run(dataset, progress: progress)
        let wall = Date().timeIntervalSince(started)
        if try arguments[\.json] {
            struct Output: Encodable {
                var model: String; var frame: String; var wallSeconds: Double
                var summaries: [LabellingEvaluation.Summary]; var cells: [LabellingEvaluation.Cell]
            }
            Console.out(try EvalCommand.json(Output(model: report.model, frame: report.frame, wallSeconds: wall,
                                                    summaries: report.summaries, cells: report.cells)))
            return 0
        }
        var rows = [["strategy", "accuracy", "precision", "abstained"]]
        for s in report.summaries {
            rows.append([s.strategy, EvalCommand.f(s.meanAccuracy), EvalCommand.f(s.meanPrecision), String(s.abstained)])
        }
        Console.out(EvalCommand.table(rows))
        Console.out("")
        var perTask = [["task", "strategy", "accuracy", "labels given"]]
        for task in dataset.tasks {
            for cell in report.cells where cell.task == task.id {
                let given = (task.labels ?? []).map { "\($0) \(cell.given[$0, default: 0])" }.joined(separator: ", ")
                perTask.append([cell.task, cell.strategy, EvalCommand.f(cell.accuracy), given])
            }
        }
        Console.out(EvalCommand.table(perTask))
        Console.out("\(EvalCommand.f(wall, 1)) s, \(report.model), frame \(report.frame)")
        return 0
    }
}
