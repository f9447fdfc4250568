import Foundation
import PromptFile
import VSynthesis

/// `vsynth eval icl DATA.json`: in-context accuracy with zero demonstrations and with each method's
/// synthesized demonstrations, over several seeds.
enum EvalICLCommand: Command {
    static let spec = CommandSpec(
        path: ["eval", "icl"], summary: "In-context accuracy with synthesized demonstrations.",
        usage: "DATA.json [--json] [--seeds LIST] [--methods LIST] [synthesis options]",
        options: [
            .init("json", help: "Print the report as JSON (every task, condition and seed)."),
            .init("seeds", value: "LIST", help: "Comma-separated seeds (default 1,2,3)."),
            .init("task", value: "ID", help: "Only this task (repeatable)."),
            .init("methods", value: "LIST", help: "Comma-separated methods (default vsynthesis,topk,naive)."),
            .init("progress", help: "Report each cell on stderr."),
        ] + EvalCommand.synthesisOptions + [EvalCommand.backendOption] + EvalCommand.modelOptions,
        positionals: 1...1,
        discussion: "For tasks with a labelled `test` list, the label with the highest ln p after the task definition, the demonstrations and the input is the answer. Prints mean accuracy over tasks and its spread (standard deviation over seeds) per condition, and per task.")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        var defaults = SynthesisOptions()
        defaults.count = 4
        defaults.scale = 12
        let options = try EvalCommand.synthesisOptions(arguments, command: spec.path, defaults: defaults)
        let methods = try EvalSynthesisCommand.methods(arguments, command: spec.path)
        var seeds: [UInt64] = [1, 2, 3]
        if let list = arguments.value("seeds") {
            seeds = []
            for text in list.split(separator: ",") {
                guard let seed = Int(text), Limits.seed.contains(seed) else {
                    throw UsageError(command: spec.path, message: "option '--seeds': '\(text)' is not an integer in \(Limits.text(Limits.seed))")
                }
                seeds.append(UInt64(seed))
            }
        }
        var dataset = try TaskDataset.load(path: arguments.positionals[0])
        let only = arguments.allValues("task")
        for id in only where !dataset.tasks.contains(where: { $0.id == id }) {
            throw UsageError(command: spec.path, message: "option '--task': no task '\(id)' in \(arguments.positionals[0])")
        }
        if !only.isEmpty { dataset.tasks = dataset.tasks.filter { only.contains($0.id) } }
        guard dataset.tasks.contains(where: { !($0.test ?? []).isEmpty }) else {
            throw UsageError(command: spec.path, message: "\(arguments.positionals[0]) has no task with a 'test' list")
        }
        let model = try await EvalCommand.openModel(arguments, command: spec.path)
        let started = Date()
        var progress: (@Sendable (String) -> Void)?
        if arguments.flag("progress") || Console.stderrIsTerminal { progress = { Console.err($0) } }
        let report = try await ICLEvaluation(model: model, options: options, methods: methods, seeds: seeds)
            .run(dataset, progress: progress)
        let wall = Date().timeIntervalSince(started)
        if arguments.flag("json") {
            struct Output: Encodable {
                var model: String; var options: SynthesisOptions; var seeds: [UInt64]; var wallSeconds: Double
                var summaries: [ICLEvaluation.Summary]; var cells: [ICLEvaluation.Cell]
            }
            Console.out(try EvalCommand.json(Output(model: report.model, options: options, seeds: seeds, wallSeconds: wall,
                                                    summaries: report.summaries, cells: report.cells)))
            return 0
        }
        let taskIDs = dataset.tasks.filter { !($0.test ?? []).isEmpty }.map(\.id)
        var rows = [["condition", "accuracy", "± sd"] + taskIDs]
        for s in report.summaries {
            rows.append([s.condition, EvalCommand.f(s.meanAccuracy), EvalCommand.f(s.spread)]
                        + taskIDs.map { EvalCommand.f(s.perTask[$0] ?? 0) })
        }
        Console.out(EvalCommand.table(rows))
        Console.out("seeds \(seeds.map(String.init).joined(separator: ",")), n \(options.count), N \(options.scale), \(EvalCommand.f(wall, 1)) s, \(report.model)")
        return 0
    }
}
