import Foundation
import LanguageModel
import PromptFile
import VSynthesis

/// `vsynth score FILE`: every demonstration of a prompt file with its V-Score.
enum ScoreCommand: Command {
    struct Options: ModelOptionsDeclaring {
        let json: Option<Bool> = .flag("json", help: "Print the scores as JSON.")
        let progress: Option<Bool> = .flag("progress", help: "Report progress on stderr (default when stderr is a terminal).")
        let frame = EvalCommand.frameOption
        let modelChoice = ModelOptionGroup()
    }

    static let spec = CommandSpec(
        path: ["score"], summary: "V-Score every demonstration of a prompt file.",
        usage: "FILE [--json]",
        options: Options(),
        positionals: 1...1,
        discussion: "V-Score = ln p(D | task) − ln p(D | no task), in nats: how much the task definition raises the model's likelihood of the demonstration. Demonstrations under the file's vsynth.threshold are marked with '!'.")

    /// The file's task, format and demonstrations, or an error naming what is missing.
    static func load(_ path: String) throws -> (document: PromptDocument, task: String) {
        let document = try PromptDocument(contentsOfFile: path)
        if let error = document.errors.first {
            for diagnostic in document.errors { Console.err(diagnostic.description) }
            throw CLIError.invalidPromptFile(path: path, problem: "has errors (first: \(error.message))",
                                             hint: error.error.hint ?? "fix the errors above ('vsynth parse \(path)' lists them) and run again")
        }
        guard let task = document.task?.text, !task.isEmpty else {
            throw CLIError.invalidPromptFile(path: path, problem: "no task definition",
                                             hint: "set vsynth.task (or description) in the frontmatter")
        }
        return (document, task)
    }

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let path = arguments.positionals[0]
        let (document, task) = try load(path)
        let frame = EvalCommand.frame(try arguments[\.frame], file: document)
        let model = try await EvalCommand.openModel(arguments, file: document)
        let scorer = VScorer(model: model, frame: frame).labelling(document.demonstrationFormat)
        let demonstrations = document.demonstrations
        var progress: (@Sendable (ScoringProgress) -> Void)?
        if try arguments[\.progress] || Console.stderrIsTerminal {
            progress = { p in
                Console.err("\(p.pass == 1 ? "with the task" : "without the task"): \(p.done)/\(p.total) demonstrations scored")
            }
        }
        let scores = try await CLIError.explainingContextOverflow(in: path) {
            try await scorer.score(task: task, demonstrations: demonstrations.map(\.demonstration), progress: progress)
        }
        let threshold = document.settings.threshold
        if try arguments[\.json] {
            struct Item: Encodable {
                var index: Int; var line: Int; var input: String; var output: String
                var vscore: Double; var perToken: Double; var logpTask: Double; var logpNull: Double; var tokens: Int
                var belowThreshold: Bool
            }
            struct Output: Encodable {
                var file: String; var model: String; var frame: String; var task: String; var threshold: Double?; var demonstrations: [Item]
            }
            let items = zip(demonstrations, scores).map { parsed, score in
                Item(index: parsed.index, line: parsed.range.start.line + 1, input: parsed.demonstration.input,
                     output: parsed.demonstration.output, vscore: score.total, perToken: score.perToken,
                     logpTask: score.logpTask, logpNull: score.logpNull, tokens: score.tokenCount,
                     belowThreshold: threshold.map { score.total < $0 } ?? false)
            }
            Console.out(try EvalCommand.json(Output(file: path, model: model.identity.description, frame: scorer.frame.name, task: task,
                                                    threshold: threshold, demonstrations: items)))
            return 0
        }
        if demonstrations.isEmpty {
            Console.out("\(path): no demonstrations (run 'vsynth synthesize \(path)')")
            return 0
        }
        var rows = [["", "#", "line", "V (nats)", "per token", "input", "output"]]
        for (parsed, score) in zip(demonstrations, scores) {
            let low = threshold.map { score.total < $0 } ?? false
            rows.append([low ? "!" : " ", "\(parsed.index + 1)", "\(parsed.range.start.line + 1)",
                         EvalCommand.f(score.total, 2), EvalCommand.f(score.perToken),
                         EvalCommand.clip(parsed.demonstration.input), EvalCommand.clip(parsed.demonstration.output)])
        }
        Console.out(EvalCommand.table(rows))
        var summary = "\(scores.count) scored with \(model.identity) in the frame \(scorer.frame.name)"
        if let threshold {
            summary += "; \(scores.filter { $0.total < threshold }.count) under the threshold \(threshold)"
        }
        Console.out(summary)
        return 0
    }
}
