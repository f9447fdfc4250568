import Foundation
import Inference
import LanguageModel
import VSynthesis

/// What the V-Score and synthesis commands (`score`, `synthesize`, `eval …`) share: opening the
/// model, reading the synthesis knobs, printing tables.
enum EvalCommand {
    /// Options every model-using command takes.
    static let modelOptions: [CommandSpec.Option] = [
        .init("model", value: "PATH", help: "GGUF model (default: $VSYNTH_MODEL or the fetched default model)."),
        .init("threads", value: "N", help: "Compute threads (default: all cores)."),
    ]

    /// The synthesis knobs (DESIGN.md), shared by `synthesize`, `eval synthesis` and `eval icl`.
    static let synthesisOptions: [CommandSpec.Option] = [
        .init("method", value: "M", help: "vsynthesis (default), topk or naive."),
        .init("labels", value: "S", help: "Labelled tasks: vinfo (V-information from T to the label, default), classify (zero-shot ln p(label | T, x)), calibrated (classify less its scores for the input N/A), argmax (the likeliest in the generation prompt), score (drawn by ln p) or target (ask for the least covered)."),
        .init("count", short: "n", value: "N", help: "Demonstrations to produce (n)."),
        .init("scale", value: "S", help: "Synthesized pool size before the final choice (N, default 16)."),
        .init("references", short: "k", value: "K", help: "References shown per generation (default 3)."),
        .init("candidates", short: "m", value: "M", help: "Candidates generated per round (default 4)."),
        .init("weighting", value: "W", help: "clip (max(V,0)+ε, default) or softmax (exp(V/τ))."),
        .init("tau", value: "T", help: "Softmax temperature τ (default 1)."),
        .init("epsilon", value: "E", help: "ε of clip weighting (default 0.01)."),
        .init("per-token", help: "Weight by V-Score per token instead of the total."),
        .init("temperature", value: "T", help: "Sampling temperature of the generations (default 0.8)."),
        .init("top-p", value: "P", help: "Nucleus sampling mass (default 0.95)."),
        .init("max-tokens", value: "N", help: "Most tokens per generation (default 80)."),
        .init("near-duplicate", value: "J", help: "Token Jaccard above which a candidate is a near duplicate (default 0.8)."),
        .init("seed", value: "K", help: "Seed; the same seed reproduces a result (default 0)."),
    ]

    static func openModel(_ arguments: ParsedArguments, command: [String]) throws -> EmbeddedLanguageModel {
        let threads = try arguments.int("threads", in: 0...1024, command: command) ?? 0
        let path = try ModelLocator.existingPath(explicit: arguments.value("model"))
        return try EmbeddedLanguageModel(path: path, threads: threads)
    }

    static func seed(_ arguments: ParsedArguments, command: [String]) throws(UsageError) -> UInt64? {
        guard let text = arguments.value("seed") else { return nil }
        guard let value = UInt64(text) else {
            throw UsageError(command: command, message: "option '--seed' needs a non-negative integer, got '\(text)'")
        }
        return value
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
        options.count = try arguments.int("count", in: 1...1000, command: command) ?? options.count
        options.scale = try arguments.int("scale", in: 1...10_000, command: command) ?? options.scale
        options.references = try arguments.int("references", in: 0...64, command: command) ?? options.references
        options.candidatesPerRound = try arguments.int("candidates", in: 1...1000, command: command) ?? options.candidatesPerRound
        options.temperature = try arguments.double("temperature", in: 0...5, command: command) ?? options.temperature
        options.topP = try arguments.double("top-p", in: 0.01...1, command: command) ?? options.topP
        options.maxTokens = try arguments.int("max-tokens", in: 4...4096, command: command) ?? options.maxTokens
        options.nearDuplicateThreshold = try arguments.double("near-duplicate", in: 0.01...1, command: command)
            ?? options.nearDuplicateThreshold
        options.weightPerToken = arguments.flag("per-token") || options.weightPerToken
        options.seed = try seed(arguments, command: command) ?? options.seed
        let tau = try arguments.double("tau", in: 1e-6...1e6, command: command)
        let epsilon = try arguments.double("epsilon", in: 0...1e6, command: command)
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

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension EvalCommand {
    /// One line of at most `width` characters for tables.
    static func clip(_ text: String, _ width: Int = 48) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }
}
