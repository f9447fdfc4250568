import Foundation
import Inference
import LanguageModel
import PromptFile

/// `vsynth logprobs --context C --continuation X`: ln p of each continuation token after the context,
/// context and continuation tokenized separately (the V-Score frame).
enum LogprobsCommand: Command {
    static let spec = CommandSpec(
        path: ["logprobs"], summary: "Print per-token log-probabilities of a continuation after a context.",
        usage: "--context C --continuation X [--json]",
        options: [
            .init("context", short: "c", value: "TEXT", help: "The context (special tokens such as <|im_start|> parsed)."),
            .init("continuation", short: "x", value: "TEXT", help: "The continuation to score."),
            .init("json", help: "Print JSON: token ids, texts, ln p, the model's top token, total."),
            .init("threads", value: "N", bound: .integer(Limits.threads), help: "Compute threads (default: all cores)."),
            EvalCommand.modelOption,
        ],
        discussion: "Values are natural logs (nats). '\\n' in the texts is a real newline when given by the shell.")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        guard let context = arguments.value("context") else {
            throw UsageError(command: spec.path, message: "missing option '--context'")
        }
        guard let continuation = arguments.value("continuation") else {
            throw UsageError(command: spec.path, message: "missing option '--continuation'")
        }
        let threads = try arguments.int("threads", command: spec.path) ?? 0
        let path = try ModelStore().modelFile(arguments.value("model"))
        let model = try EmbeddedLanguageModel(path: path, threads: threads)
        let scores = try await model.logprobs(context: context, continuation: continuation)
        let tokenizer = model.tokenizer
        let text = { (token: Int32) in String(decoding: tokenizer.piece(token), as: UTF8.self) }
        let total = scores.reduce(0) { $0 + $1.logprob }
        if arguments.flag("json") {
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
                contextIDs: tokenizer.encode(context, parseSpecial: true, addBOS: false).map(Int.init),
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

    /// A token's text with newlines and tabs visible.
    private static func debugText(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "'"
    }
}
