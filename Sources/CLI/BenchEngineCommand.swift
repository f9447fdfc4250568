import Foundation
import Inference
import LanguageModel
import PromptFile

/// `vsynth bench engine`: prefill and decode throughput of the embedded engine on the same token
/// sequence as `llamacpp_anchor.py`, plus model load time and peak resident memory.
enum BenchEngineCommand: Command {
    struct Options: OptionGroup {
        let threads = EvalCommand.threads
        let promptTokens: Option<Int> = .integer("prompt-tokens", value: "N", bound: Limits.benchPromptTokens, default: 512,
                                                 help: "Tokens in the prefill batch (from 80: the decode steps replay tokens 16…79 of it, as llama.cpp's anchor does).")
        let decodeTokens: Option<Int> = .integer("decode-tokens", value: "N", bound: Limits.benchDecodeTokens, default: 128,
                                                 help: "Single-token decode steps.")
        let runs: Option<Int> = .integer("runs", value: "N", bound: Limits.benchRuns, default: 3,
                                         help: "Measurements of each figure; the best counts. With --batch, a run measures every size in turn, and the speedup over B = 1 is the median of the runs' own.")
        let json: Option<Bool> = .flag("json", help: "Print one JSON object instead of text.")
        let anchor: Option<String?> = .text("anchor", value: "SCRIPT",
                                            help: "Run llama.cpp's anchor (llamacpp_anchor.py; with --batch, scripts/llamacpp_batched_anchor.py) first, same model and threads, and print the ratios.")
        let batch: Option<[Int]?> = .list("batch", value: "B,B,…",
                                          expected: "a batch size in \(Limits.text(BenchEngineCommand.batchSizes))",
                                          help: "Measure aggregate decode of B sequences decoded together, for each B (1...64), instead.") {
            Int($0).flatMap { BenchEngineCommand.batchSizes.contains($0) ? $0 : nil }
        }
        let context = GenerateCommand.context
        let model = EvalCommand.model
    }

    static let spec = CommandSpec(
        path: ["bench", "engine"], summary: "Measure the embedded engine's prefill and decode speed.",
        usage: "[--threads N] [--context N] [--batch B,B,…] [--runs N] [--model NAME|PATH] [--anchor SCRIPT] [--json]",
        options: Options(),
        discussion: """
        Prefill: one batch of the first N tokens of "The quick brown fox jumps over the lazy dog. " × 200,
        logits for the last position only. Decode: after 16 tokens, one token a step (toks[16 + i % 64]).
        Each the best of --runs (3). With --anchor ../shared/reference/llamacpp_anchor.py the anchor runs in the same
        invocation (same model, threads and token counts) and a ratio line follows.
        With --batch 1,2,4,8,16: for each B, B sequences start from the text's first 16 tokens and decode
        --decode-tokens steps together, one token each per step (the engine's continuous batching);
        aggregate tok/s (the best run), the speedup over B = 1 (each run measures every size in turn
        and gives its own ratio, whose median is printed with their range, so drift of the host between
        minutes does not land on one size only), and with --anchor scripts/llamacpp_batched_anchor.py
        llama.cpp decoding the same B sequences (llama_decode of B tokens, one per sequence) in the same run.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let threads = try arguments[\.threads] ?? 0
        let promptCount = try arguments[\.promptTokens]
        let decodeCount = try arguments[\.decodeTokens]
        let runs = try arguments[\.runs]
        let path = try ModelStore().modelFile(try arguments[\.model])
        let model = try ModelFactory.embedded(path: path, threads: threads, contextLength: try arguments[\.context])
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 200)
        let tokens = Array(model.tokenizer.encode(text, parseSpecial: false, addBOS: false).prefix(promptCount))
        guard tokens.count >= 16 + 64 else { throw LanguageModelError.failed("bench text gave only \(tokens.count) tokens") }
        if let sizes = try arguments[\.batch] {
            return try await runBatches(sizes, model: model, path: path, tokens: tokens, steps: decodeCount,
                                        runs: runs, anchorScript: try arguments[\.anchor], json: try arguments[\.json])
        }
        let anchor = try arguments[\.anchor].map { script throws(CLIError) in
            try LlamaCppAnchor(script: script, model: path, threads: model.threadCount,
                               promptTokens: promptCount, decodeTokens: decodeCount).run()
        }
        let (prefill, decode) = try await model.withSession { session in
            var prefill = 0.0, decode = 0.0
            for _ in 0..<runs {
                session.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                try session.append(tokens[...], logitsFrom: tokens.count - 1) { _, _ in }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                prefill = max(prefill, Double(tokens.count) / seconds)
            }
            for _ in 0..<runs {
                session.reset()
                try session.append(tokens[..<16], logitsFrom: 15) { _, _ in }
                let start = DispatchTime.now().uptimeNanoseconds
                for i in 0..<decodeCount {
                    try session.append(tokens[(16 + i % 64)...(16 + i % 64)], logitsFrom: 0) { _, _ in }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                decode = max(decode, Double(decodeCount) / seconds)
            }
            return (prefill, decode)
        }
        let peakMB = Double(peakResidentKilobytes() ?? 0) / 1024
        let loadMS = model.loadSeconds * 1000
        if try arguments[\.json] {
            struct Output: Encodable {
                var prefill: Double; var decode: Double; var loadMS: Double; var peakMB: Double; var threads: Int
                var promptTokens: Int; var decodeSteps: Int; var model: String
                var anchorPrefill: Double?; var anchorDecode: Double?; var prefillRatio: Double?; var decodeRatio: Double?
                enum CodingKeys: String, CodingKey {
                    case threads, model
                    case prefill = "prefill_tok_s", decode = "decode_tok_s", loadMS = "load_ms", peakMB = "peak_rss_mb"
                    case promptTokens = "prompt_tokens", decodeSteps = "decode_steps"
                    case anchorPrefill = "anchor_prefill_tok_s", anchorDecode = "anchor_decode_tok_s"
                    case prefillRatio = "prefill_ratio", decodeRatio = "decode_ratio"
                }
            }
            Console.out(try EvalCommand.json(Output(
                prefill: prefill.rounded(), decode: decode.rounded(), loadMS: loadMS, peakMB: peakMB,
                threads: model.threadCount, promptTokens: tokens.count, decodeSteps: decodeCount, model: model.identity.model,
                anchorPrefill: anchor?.prefill, anchorDecode: anchor?.decode,
                prefillRatio: anchor.map { prefill / $0.prefill }, decodeRatio: anchor.map { decode / $0.decode })))
        } else {
            Console.out(String(format: "prefill %.0f tok/s decode %.0f tok/s", prefill, decode))
            Console.out(String(format: "load %.1f ms peak RSS %.1f MB threads=%d prompt=%d decode_steps=%d context=%d",
                               loadMS, peakMB, model.threadCount, tokens.count, decodeCount, model.contextLength))
            if let anchor {
                Console.out(String(format: "llama.cpp prefill %.0f tok/s decode %.0f tok/s (same run)", anchor.prefill, anchor.decode))
                Console.out(String(format: "ratio prefill %.2fx decode %.2fx", prefill / anchor.prefill, decode / anchor.decode))
            }
        }
        return 0
    }

    /// VmHWM from /proc/self/status (peak resident set), in KiB; nil where there is no /proc.
    static func peakResidentKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}
