import Foundation
import VSynthesis

/// `vsynth eval synthesis DATA.json`: synthesizes from scratch for every task with each method and
/// compares parse rate, drops, V-Score and diversity.
enum EvalSynthesisCommand: Command {
    struct Options: SynthesisOptionsDeclaring, SeedDeclaring, ModelOptionsDeclaring {
        let json: Option<Bool> = .flag("json", help: "Print the report as JSON (every run with its demonstrations).")
        let task: Option<[String]> = .repeated("task", value: "ID", help: "Only this task (repeatable).")
        let methods = EvalSynthesisCommand.methodList
        let progress: Option<Bool> = .flag("progress", help: "Report each run on stderr.")
        let frame = EvalCommand.frameOption
        let seed = SynthesisOptionGroup.seed(EvalSynthesisCommand.defaults)
        let synthesis = SynthesisOptionGroup(defaults: EvalSynthesisCommand.defaults)
        let modelChoice = ModelOptionGroup()
    }

    /// The synthesis knobs of the evaluations (`eval synthesis`, `eval icl`) when not given: a
    /// smaller pool than `synthesize`'s, as the evaluations run many syntheses.
    static let defaults: SynthesisOptions = {
        var defaults = SynthesisOptions()
        defaults.scale = 12
        return defaults
    }()

    /// `--methods`, of both evaluations.
    static let methodList: Option<[SynthesisOptions.Method]> = .choiceList(
        "methods", choices: SynthesisOptions.Method.allCases, default: SynthesisOptions.Method.allCases,
        help: "Comma-separated methods.")

    static let spec = CommandSpec(
        path: ["eval", "synthesis"], summary: "Compare synthesis methods on a task data set.",
        usage: "DATA.json [--json] [--task ID]... [--methods LIST] [synthesis options]",
        options: Options(),
        positionals: 1...1,
        discussion: "For each task, n demonstrations are synthesized from scratch with each method; the table gives per method the parse rate, drops by reason, mean V-Score (total and per token), diversity (distinct-2, mean pairwise token Jaccard: lower is more diverse) and label coverage (labels among the chosen over the task's labels, for tasks with `labels`) of the chosen ones; the leak column counts candidates dropped for giving their answer away.")

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        var options = try EvalCommand.synthesisOptions(arguments)
        options.seed = try EvalCommand.seed(arguments) ?? options.seed
        let methods = try arguments[\.methods]
        let dataset = try EvalCommand.dataset(arguments.positionals[0], only: try arguments[\.task], command: spec.path)
        let model = try await EvalCommand.openModel(arguments)
        let started = Date()
        var progress: (@Sendable (String) -> Void)?
        if try arguments[\.progress] || Console.stderrIsTerminal { progress = { Console.err($0) } }
        let report = try await SynthesisEvaluation(model: model, options: options, methods: methods,
                                                  frame: EvalCommand.frame(try arguments[\.frame]))
            .run(dataset, progress: progress)
        let wall = Date().timeIntervalSince(started)
        if try arguments[\.json] {
            struct Output: Encodable {
                var model: String; var frame: String; var options: SynthesisOptions; var wallSeconds: Double
                var summaries: [SynthesisEvaluation.Summary]; var runs: [SynthesisEvaluation.Run]
            }
            Console.out(try EvalCommand.json(Output(model: report.model, frame: report.frame, options: options, wallSeconds: wall,
                                                    summaries: report.summaries, runs: report.runs)))
            return 0
        }
        let reasons = DropReason.allCases.map(\.rawValue)
        // "schema-valid" is "-" when no task has a JSON output schema; "leak" is among the drop reasons.
        // "V mean" is "-" when nothing was chosen; "withheld": chosen, all of one label, not kept.
        var rows = [["method", "parse", "V mean", "V/token", "distinct-2", "jaccard", "labels", "schema-valid", "chosen", "withheld"]
                    + reasons + ["seconds"]]
        for s in report.summaries {
            let optional = { (value: Double?, digits: Int) -> String in value.map { EvalCommand.f($0, digits) } ?? "-" }
            let figures: [String] = [s.method, EvalCommand.f(s.parseRate, 2), optional(s.meanVScore, 2),
                                     optional(s.meanVScorePerToken, 3), EvalCommand.f(s.distinct2),
                                     EvalCommand.f(s.meanPairwiseJaccard), EvalCommand.f(s.labelCoverage, 2),
                                     optional(s.schemaValid, 2), "\(s.selected)", "\(s.withheld)"]
            rows.append(figures + reasons.map { "\(s.drops[$0] ?? 0)" } + [EvalCommand.f(s.seconds, 1)])
        }
        Console.out(EvalCommand.table(rows))
        Console.out("\(report.runs.count) runs over \(Set(report.runs.map(\.task)).count) tasks in \(EvalCommand.f(wall, 1)) s (n \(options.count), N \(options.scale), k \(options.references), m \(options.candidatesPerRound), \(options.weighting), seed \(options.seed), \(report.model), frame \(report.frame))")
        return 0
    }
}
