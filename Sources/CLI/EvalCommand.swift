import Foundation
import Inference
import LanguageModel
import LanguageServer
import PromptFile
import VSynthesis

/// What the V-Score and synthesis commands (`score`, `synthesize`, `eval …`) share: the model
/// options and opening the model, reading the synthesis knobs (`SynthesisOptionGroup`), printing
/// tables.
enum EvalCommand {
    /// `--model`: a catalog name or a path (`ModelStore.modelFile`), on every command that uses the model.
    static let model: Option<String?> = .text(
        "model", value: "NAME|PATH",
        help: "A catalog model (vsynth model list) or a GGUF file (default: $VSYNTH_MODEL or the fetched default model).")
    /// `--threads`, on every command that computes with the embedded engine.
    static let threads: Option<Int?> = .integer("threads", value: "N", bound: Limits.threads,
                                                help: "Compute threads (default: all cores).")
    /// `--frame`, on every command that scores prompt files or data sets.
    static let frameOption: Option<ChatTemplate.Kind?> = .choice(
        "frame", value: "F", choices: ChatTemplate.Kind.allCases,
        help: "V-Score frame: \(ChatTemplate.Kind.names.joined(separator: ", ")) (default: the file's vsynth.frame, else chosen from the model's chat template).")

    /// `--frame` (`given`), else the file's `vsynth.frame`; nil: the model's own template.
    static func frame(_ given: ChatTemplate.Kind?, file: PromptDocument? = nil) -> ChatTemplate.Kind? {
        given ?? file?.settings.frame
    }
    /// `--backend`, on every command that scores.
    static let backend: Option<String?> = .text(
        "backend", value: "SPEC",
        help: "embedded (default), a configured backend's name, a remote backend [KIND+]URL, or generate=SPEC score=SPEC.")

    /// The model `--backend`, `--model` and `--threads` name (`ModelFactory`, as the daemon opens
    /// its model), with the choice of the prompt file `file` among the user's named backends and
    /// models applied; a choice that is not followed prints a warning at the value
    /// (`FILE:LINE:COLUMN: warning: …`).
    static func openModel<Options: ModelOptionsDeclaring>(_ arguments: CommandArguments<Options>,
                                                          file: PromptDocument? = nil) async throws -> any LanguageModel {
        var configuration = ServerConfiguration()
        configuration.environmentNames = LSPCommand.namedModels()
        if let backend = try arguments[\.modelChoice.backend] { configuration.backend = backend }
        configuration.modelPath = try arguments[\.modelChoice.model]
        configuration.threads = try arguments[\.modelChoice.threads] ?? 0
        if let file {
            let (chosen, warnings) = configuration.choosing(for: file.settings)
            for warning in warnings { Console.err(Diagnostic(warning, file: file.path).description) }
            configuration = chosen
        }
        return try await ModelFactory.model(configuration)
    }

    /// The synthesis knobs given on the command line over `base` (default: the defaults the
    /// command's `SynthesisOptionGroup` shows); `--method` and `--seed` are the caller's.
    static func synthesisOptions<Options: SynthesisOptionsDeclaring>(_ arguments: CommandArguments<Options>,
                                                                     over base: SynthesisOptions? = nil) throws(UsageError) -> SynthesisOptions {
        var options = base ?? arguments.declared.synthesis.defaults
        options.labelStrategy = try arguments[\.synthesis.labels]
        options.count = try arguments[\.synthesis.count] ?? options.count
        options.scale = try arguments[\.synthesis.scale]
        options.references = try arguments[\.synthesis.references]
        options.candidatesPerRound = try arguments[\.synthesis.candidates]
        options.temperature = try arguments[\.synthesis.temperature]
        options.topP = try arguments[\.synthesis.topP]
        options.maxTokens = try arguments[\.synthesis.maxTokens]
        options.nearDuplicateThreshold = try arguments[\.synthesis.nearDuplicate]
        options.weightPerToken = try arguments[\.synthesis.perToken] || options.weightPerToken
        options.labelMargin = try arguments[\.synthesis.labelMargin]
        options.orderings = try arguments[\.synthesis.orderings]
        options.redraws = try arguments[\.synthesis.redraws]
        options.parallelism = try arguments[\.synthesis.parallel]
        let tau = try arguments[\.synthesis.tau]
        let epsilon = try arguments[\.synthesis.epsilon]
        switch try arguments[\.synthesis.weighting] {
        case nil:
            if let tau { options.weighting = .softmax(temperature: tau) } else if let epsilon { options.weighting = .clip(epsilon: epsilon) }
        case .clip: options.weighting = .clip(epsilon: epsilon ?? SynthesisOptionGroup.defaultEpsilon)
        case .softmax: options.weighting = .softmax(temperature: tau ?? SynthesisOptionGroup.defaultTau)
        }
        return options
    }

    /// `--seed`, checked against `Limits.seed` as the parser read it.
    static func seed<Options: SeedDeclaring>(_ arguments: CommandArguments<Options>) throws(UsageError) -> UInt64? {
        try arguments[\.seed].map { UInt64($0) }
    }

    /// The data set at `path` (the evaluations' positional argument) with only the tasks `only`
    /// names (`--task`, all when empty); a name that is no task of it is a usage error of `command`.
    static func dataset(_ path: String, only: [String], command: [String]) throws -> TaskDataset {
        var dataset = try TaskDataset.load(path: path)
        for id in only where !dataset.tasks.contains(where: { $0.id == id }) {
            throw UsageError(command: command, message: "option '--task': no task '\(id)' in \(path)")
        }
        if !only.isEmpty { dataset.tasks = dataset.tasks.filter { only.contains($0.id) } }
        return dataset
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

    /// Every command's `--json` text (pretty, sorted keys). A non-finite number, which JSON cannot
    /// hold, is a clean error naming the field, never a raw `EncodingError`.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch EncodingError.invalidValue(let bad, let context) {
            let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw CLIError.nonFiniteOutput(field: field.isEmpty ? "the top level" : field, value: "\(bad)")
        }
    }
}

extension EvalCommand {
    /// One line of at most `width` characters for tables.
    static func clip(_ text: String, _ width: Int = 48) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }
}
