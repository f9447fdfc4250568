import Backends
import Foundation
import PromptFile

/// `vsynth parse FILE... [--json]`: what VSynth reads from prompt files (task, settings, format,
/// schemas and label set, every demonstration with its exact range), for people or, with `--json`, for tools
/// (schemas/parse-output.schema.json). Any error in any file gives exit code 1.
enum ParseCommand: Command {
    struct Options: OptionGroup {
        let json: Option<Bool> = .flag("json", help: "Print JSON following schemas/parse-output.schema.json.")
    }

    static let spec = CommandSpec(
        path: ["parse"],
        summary: "Parse prompt files and show their task, settings, schemas, labels and demonstrations.",
        usage: "FILE... [--json]",
        options: Options(),
        positionals: 1...Int.max,
        discussion: """
        Lines and columns are 1-based in the text output (columns in UTF-8 bytes, with the UTF-16
        column beside) and 0-based in JSON, as in LSP. Errors print as FILE:LINE:COLUMN: error: ...
        and make the exit code 1. The format reference is docs/prompt-files.md.
        """)

    /// Every file that had errors, one `file:line:column: error: message` line each.
    struct Failure: Error, CustomStringConvertible {
        var messages: [String]
        var description: String { messages.joined(separator: "\nvsynth: ") }
    }

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let json = try arguments[\.json]
        var reports: [ParseReport] = []
        var failures: [String] = []
        for path in arguments.positionals {
            do {
                let document = try PromptDocument(contentsOfFile: path)
                reports.append(ParseReport(document))
                failures += document.errors.map(\.description)
                if !json {
                    Console.out(describe(document))
                    for warning in document.warnings { Console.err(warning.description) }
                }
            } catch {
                reports.append(ParseReport(path: path, error: error))
                failures.append(CLIError.report(error))
            }
        }
        if json {
            Console.out(try EvalCommand.json(["files": reports]))
        }
        if !failures.isEmpty { throw Failure(messages: failures) }
        return 0
    }

    /// The text output for one parsed file.
    static func describe(_ document: PromptDocument) -> String {
        let settings = document.settings
        var out = "\(document.path ?? "<input>"): \(document.format.rawValue), "
        out += "\(document.demonstrations.count) demonstration\(document.demonstrations.count == 1 ? "" : "s")"
        out += document.hasErrors ? ", \(document.errors.count) error(s)\n" : "\n"
        if let task = document.task {
            out += "  task (\(task.source.rawValue), \(place(task.range))): \(quote(task.text))\n"
        } else {
            out += "  task: none\n"
        }
        var pairs: [String] = []
        if let count = settings.count { pairs.append("count=\(count)") }
        if let threshold = settings.threshold { pairs.append("threshold=\(threshold)") }
        if let seed = settings.seed { pairs.append("seed=\(seed)") }
        if let refresh = settings.refresh { pairs.append("refresh=\(refresh.rawValue)") }
        if let model = settings.model { pairs.append("model=\(model)") }
        if let backend = settings.backend { pairs.append("backend=\(Redaction.redact(backend))") }
        if let labels = settings.labels { pairs.append("labels=\(labels.joined(separator: ","))") }
        out += "  settings: \(pairs.isEmpty ? "(defaults)" : pairs.joined(separator: " "))\n"
        out += "  format: \(document.format.rawValue), turns \(document.format.userTag) / \(document.format.modelTag), "
        out += "labels \(quote(settings.inputLabel)) / \(quote(settings.outputLabel))\n"
        if let input = document.inputSchema { out += "  input schema: \(input.jsonSchema)\n" }
        if let output = document.outputSchema { out += "  output schema: \(output.jsonSchema)\n" }
        out += "  output format: \(document.outputFormat.name)\n"
        if let labelSet = document.labelSet {
            out += "  label set (\(labelSet.source.rawValue)): \(labelSet.labels.joined(separator: ", "))\n"
        }
        if let region = document.region {
            out += "  region: \(place(region.range))\n"
        } else {
            out += "  region: none (created on the first insertion)\n"
        }
        for demonstration in document.demonstrations {
            out += "  demonstration \(demonstration.index + 1): \(place(demonstration.range))\n"
            out += "    user  \(place(demonstration.user.range)): \(quote(demonstration.user.text))\n"
            out += "    model \(place(demonstration.model.range)): \(quote(demonstration.model.text))\n"
        }
        return String(out.dropLast())
    }

    /// `3:5-4:10 (bytes 40..<72, utf-16 3:5-4:9)`, 1-based.
    static func place(_ range: SourceRange) -> String {
        let utf16 = "\(range.start.line + 1):\(range.start.utf16Column + 1)-\(range.end.line + 1):\(range.end.utf16Column + 1)"
        return "\(range) (bytes \(range.start.offset)..<\(range.end.offset), utf-16 \(utf16))"
    }

    /// The text in double quotes with line breaks and quotes escaped, cut at 120 characters.
    static func quote(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\n": escaped += "\\n"
            case "\r\n": escaped += "\\r\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default: escaped.append(character)
            }
        }
        if escaped.count > 120 { escaped = String(escaped.prefix(117)) + "..." }
        return "\"\(escaped)\""
    }
}
