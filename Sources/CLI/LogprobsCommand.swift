import Foundation
import Inference
import LanguageModel
import PromptFile

/// `vsynth logprobs --context C --continuation X`: ln p of each continuation token after the context,
/// context and continuation tokenized separately (the V-Score frame).
enum LogprobsCommand: Command {
    struct Options: OptionGroup {
        let context: Option<String?> = .text("context", short: "c", value: "TEXT",
                                             help: "The context (special tokens such as <|im_start|> parsed).")
        let continuation: Option<String?> = .text("continuation", short: "x", value: "TEXT", help: "The continuation to score.")
        let contextIDs: Option<String?> = .text("context-ids", value: "IDS",
                                                help: "The context as token ids, comma-separated (instead of --context).")
        let continuationIDs: Option<String?> = .text("continuation-ids", value: "IDS",
                                                     help: "The continuation as token ids, comma-separated (instead of --continuation).")
        let json: Option<Bool> = .flag("json", help: "Print JSON: token ids, texts, ln p, the model's top token, total.")
        let threads = EvalCommand.threads
        let model = EvalCommand.model
    }

    static let spec = CommandSpec(
        path: ["logprobs"], summary: "Print per-token log-probabilities of a continuation after a context.",
        usage: "(--context C --continuation X | --context-ids IDS --continuation-ids IDS) [--json]",
        options: Options(),
        discussion: "Values are natural logs (nats). '\\n' in the texts is a real newline when given by the shell. "
            + "Token ids bypass the tokenizer, so they also run a model whose tokenizer VSynth does not read yet "
            + "(scripts/compare-with-llamacpp.py passes llama.cpp's ids this way).")

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let contextIDs = try ids(\.contextIDs, arguments)
        let continuationIDs = try ids(\.continuationIDs, arguments)
        let byIDs = contextIDs != nil || continuationIDs != nil
        let context = try arguments[\.context], continuation = try arguments[\.continuation]
        guard byIDs ? contextIDs != nil : context != nil else {
            throw UsageError(command: spec.path, message: byIDs ? "missing option '--context-ids'" : "missing option '--context'")
        }
        guard byIDs ? continuationIDs != nil : continuation != nil else {
            throw UsageError(command: spec.path, message: byIDs ? "missing option '--continuation-ids'" : "missing option '--continuation'")
        }
        let model = try ModelFactory.embedded(path: try arguments[\.model], threads: try arguments[\.threads] ?? 0,
                                              requiresTokenizer: !byIDs)
        let scores: [TokenScore]
        if let contextIDs, let continuationIDs {
            scores = try await model.logprobs(context: contextIDs, continuation: continuationIDs)
        } else {
            scores = try await model.logprobs(context: context ?? "", continuation: continuation ?? "")
        }
        let tokenizer = model.model.tokenizer
        let text = { (token: Int32) in tokenizer.map { String(decoding: $0.piece(token), as: UTF8.self) } ?? "#\(token)" }
        let total = scores.reduce(0) { $0 + $1.logprob }
        if try arguments[\.json] {
            struct Output: Encodable {
                var model: String; var contextIDs: [Int]; var continuationIDs: [Int]; var tokens: [String]
                var logprobs: [Double]; var top: [Int]; var topLogprobs: [Double]; var total: Double
                enum CodingKeys: String, CodingKey {
                    case model, tokens, logprobs, top, total
                    case contextIDs = "context_ids", continuationIDs = "continuation_ids", topLogprobs = "top_logprobs"
                }
            }
            Console.out(try EvalCommand.json(Output(
                model: model.identity.model,
                contextIDs: (contextIDs ?? model.tokenizer.encode(context ?? "", parseSpecial: true, addBOS: false)).map(Int.init),
                continuationIDs: scores.map { Int($0.token) }, tokens: scores.map { text($0.token) },
                logprobs: scores.map(\.logprob), top: scores.map { Int($0.top) },
                topLogprobs: scores.map(\.topLogprob), total: total)))
        } else {
            for (index, score) in scores.enumerated() {
                let mark = score.top == score.token ? "" : "   (top: \(debugText(text(score.top))) \(String(format: "%.4f", score.topLogprob)))"
                Console.out(String(format: "%4d %6d %-20@ %10.4f", index, score.token, debugText(text(score.token)), score.logprob) + mark)
            }
            Console.out(String(format: "total %.4f nats over %d tokens (%.4f per token)", total, scores.count,
                               scores.isEmpty ? 0 : total / Double(scores.count)))
        }
        return 0
    }

    /// The comma-separated token ids of option `option`, or nil when it is not given.
    private static func ids(_ option: KeyPath<Options, Option<String?>>, _ arguments: CommandArguments<Options>) throws -> [Int32]? {
        guard let value = try arguments[option] else { return nil }
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        guard ids.count == parts.count, !ids.isEmpty, ids.allSatisfy({ $0 >= 0 }) else {
            let name = arguments.declared[keyPath: option].declaration.name
            throw UsageError(command: spec.path, message: "option '--\(name)' takes token ids separated by commas (e.g. 2,818,5279), got '\(value)'")
        }
        return ids
    }

    /// A token's text with newlines and tabs visible.
    private static func debugText(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "'"
    }
}
