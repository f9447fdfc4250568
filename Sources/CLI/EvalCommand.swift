import Foundation
import Inference
import LanguageModel
import LanguageServer
import PromptFile
import VSynthesis

/// What the V-Score and synthesis commands (`score`, `synthesize`, `eval …`) share: opening the
/// model, reading the synthesis knobs, printing tables.
enum EvalCommand {
    /// Options every model-using command takes.
    static let modelOptions: [CommandSpec.Option] = [
        modelOption,
        .init("threads", value: "N", bound: .integer(Limits.threads), help: "Compute threads (default: all cores)."),
    ]

    /// The synthesis knobs (DESIGN.md), shared by `synthesize`, `eval synthesis` and `eval icl`.
    static let synthesisOptions: [CommandSpec.Option] = [
        .init("method", value: "M", help: "vsynthesis (default), topk or naive."),
        .init("labels", value: "S", help: "Labelled tasks: vinfo (V-information from T to the label, default), classify (zero-shot ln p(label | T, x)), calibrated (classify less its scores for the input N/A), argmax (the likeliest in the generation prompt), score (drawn by ln p) or target (ask for the least covered)."),
        .init("count", short: "n", value: "N", bound: .integer(Limits.demonstrations), help: "Demonstrations to produce (n)."),
        .init("scale", value: "S", bound: .integer(Limits.scale), help: "Synthesized pool size before the final choice (N, default 16)."),
        .init("references", short: "k", value: "K", bound: .integer(Limits.references), help: "References shown per generation (default 3)."),
        .init("candidates", short: "m", value: "M", bound: .integer(Limits.candidates), help: "Candidates generated per round (default 4)."),
        .init("weighting", value: "W", help: "clip (max(V,0)+ε, default) or softmax (exp(V/τ))."),
        .init("tau", value: "T", bound: .number(Limits.tau), help: "Softmax temperature τ (default 1)."),
        .init("epsilon", value: "E", bound: .number(Limits.epsilon), help: "ε of clip weighting (default 0.01)."),
        .init("per-token", help: "Weight by V-Score per token instead of the total."),
        .init("temperature", value: "T", bound: .number(Limits.temperature), help: "Sampling temperature of the generations (default 0.8)."),
        .init("top-p", value: "P", bound: .number(Limits.synthesisTopP), help: "Nucleus sampling mass (default 0.95)."),
        .init("max-tokens", value: "N", bound: .integer(Limits.synthesisMaxTokens), help: "Most tokens per generation (default 80)."),
        .init("near-duplicate", value: "J", bound: .number(Limits.nearDuplicate), help: "Token Jaccard above which a candidate is a near duplicate (default 0.8)."),
        .init("seed", value: "K", bound: .integer(Limits.seed), help: "Seed; the same seed reproduces a result (default 0)."),
    ]

    /// `--model`: a catalog name or a path (`ModelStore.modelFile`).
    static let modelOption = CommandSpec.Option(
        "model", value: "NAME|PATH",
        help: "A catalog model (vsynth model list) or a GGUF file (default: $VSYNTH_MODEL or the fetched default model).")

    /// `--frame`, on every command that scores prompt files or data sets.
    static let frameOption = CommandSpec.Option(
        "frame", value: "F",
        help: "V-Score frame: \(ChatTemplate.Kind.names.joined(separator: ", ")) (default: the file's vsynth.frame, else chosen from the model's chat template).")

    /// `--frame`, else the file's `vsynth.frame`; nil: the model's own template.
    static func frame(_ arguments: ParsedArguments, command: [String], file: PromptDocument? = nil) throws(UsageError) -> ChatTemplate.Kind? {
        guard let text = arguments.value("frame") else { return file?.settings.frame }
        guard let kind = ChatTemplate.Kind(rawValue: text) else {
            throw UsageError(command: command, message: "option '--frame' needs \(ChatTemplate.Kind.names.joined(separator: ", ")), got '\(text)'")
        }
        return kind
    }

    /// `--backend`, on every command that scores.
    static let backendOption = CommandSpec.Option(
        "backend", value: "SPEC",
        help: "embedded (default), a configured backend's name, a remote backend [KIND+]URL, or generate=SPEC score=SPEC.")

    /// The model `--backend`, `--model` and `--threads` name (as the language server resolves its
    /// settings, `LSPCommand.loadModel`), with the choice of the prompt file `file` among the
    /// user's named backends and models applied; a choice that is not followed prints a warning
    /// at the value (`FILE:LINE:COLUMN: warning: …`).
    static func openModel(_ arguments: ParsedArguments, command: [String], file: PromptDocument? = nil) async throws -> any LanguageModel {
        var configuration = ServerConfiguration()
        configuration.environmentNames = LSPCommand.namedModels()
        configuration.backend = arguments.value("backend") ?? "embedded"
        configuration.modelPath = arguments.value("model")
        configuration.threads = try arguments.int("threads", command: command) ?? 0
        if let file {
            let (chosen, warnings) = configuration.choosing(for: file.settings)
            for warning in warnings { Console.err(Diagnostic(warning, file: file.path).description) }
            configuration = chosen
        }
        return try await LSPCommand.loadModel(configuration)
    }

    /// `--seed`, checked against `Limits.seed` as the parser read it.
    static func seed(_ arguments: ParsedArguments, command: [String]) throws(UsageError) -> UInt64? {
        try arguments.int("seed", command: command).map { UInt64($0) }
    }

    /// Reads the synthesis knobs over `defaults`.
    static func synthesisOptions(_ arguments: ParsedArguments, command: [String],
                                 defaults: SynthesisOptions = SynthesisOptions()) throws(UsageError) -> SynthesisOptions {
        var options = defaults
        if let method = arguments.value("method") {
            guard let value = SynthesisOptions.Method(rawValue: method) else {
                throw UsageError(command: command, message: "option '--method' needs vsynthesis, topk or naive, got '\(method)'")
            }
            options.method = value
        }
        if let strategy = arguments.value("labels") {
            guard let value = SynthesisOptions.LabelStrategy(rawValue: strategy) else {
                throw UsageError(command: command, message: "option '--labels' needs vinfo, classify, calibrated, argmax, score or target, got '\(strategy)'")
            }
            options.labelStrategy = value
        }
        options.count = try arguments.int("count", command: command) ?? options.count
        options.scale = try arguments.int("scale", command: command) ?? options.scale
        options.references = try arguments.int("references", command: command) ?? options.references
        options.candidatesPerRound = try arguments.int("candidates", command: command) ?? options.candidatesPerRound
        options.temperature = try arguments.double("temperature", command: command) ?? options.temperature
        options.topP = try arguments.double("top-p", command: command) ?? options.topP
        options.maxTokens = try arguments.int("max-tokens", command: command) ?? options.maxTokens
        options.nearDuplicateThreshold = try arguments.double("near-duplicate", command: command)
            ?? options.nearDuplicateThreshold
        options.weightPerToken = arguments.flag("per-token") || options.weightPerToken
        options.seed = try seed(arguments, command: command) ?? options.seed
        let tau = try arguments.double("tau", command: command)
        let epsilon = try arguments.double("epsilon", command: command)
        switch arguments.value("weighting") {
        case nil:
            if let tau { options.weighting = .softmax(temperature: tau) } else if let epsilon { options.weighting = .clip(epsilon: epsilon) }
        case "clip": options.weighting = .clip(epsilon: epsilon ?? 0.01)
        case "softmax": options.weighting = .softmax(temperature: tau ?? 1)
        case let other?:
            throw UsageError(command: command, message: "option '--weighting' needs clip or softmax, got '\(other)'")
        }
        return options
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
