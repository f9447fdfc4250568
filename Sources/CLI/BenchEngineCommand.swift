import Foundation
import Inference
import LanguageModel

/// `vsynth bench engine`: prefill and decode throughput of the embedded engine on the same token
/// sequence as `llamacpp_anchor.py`, plus model load time and peak resident memory.
enum BenchEngineCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "engine"], summary: "Measure the embedded engine's prefill and decode speed.",
        usage: "[--threads N] [--anchor SCRIPT] [--json]",
        options: [
            .init("threads", value: "N", help: "Compute threads (default: all cores)."),
            .init("prompt-tokens", value: "N", help: "Tokens in the prefill batch (default 512)."),
            .init("decode-tokens", value: "N", help: "Single-token decode steps (default 128)."),
            .init("json", help: "Print one JSON object instead of text."),
            .init("anchor", value: "SCRIPT", help: "Run llama.cpp's anchor (llamacpp_anchor.py) first, same model and threads, and print the ratios."),
            .init("model", value: "PATH", help: "GGUF model (default: $VSYNTH_MODEL or the fetched default model)."),
        ],
        discussion: """
        Prefill: one batch of the first N tokens of "The quick brown fox jumps over the lazy dog. " × 200,
        logits for the last position only. Decode: after 16 tokens, one token a step (toks[16 + i % 64]).
        Each the best of 3. With --anchor ../shared/reference/llamacpp_anchor.py the anchor runs in the same
        invocation (same model, threads and token counts) and a ratio line follows.
        """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let threads = try arguments.int("threads", in: 0...1024, command: spec.path) ?? 0
        let promptCount = try arguments.int("prompt-tokens", in: 17...2048, command: spec.path) ?? 512
        let decodeCount = try arguments.int("decode-tokens", in: 1...1024, command: spec.path) ?? 128
        let path = try ModelLocator.existingPath(explicit: arguments.value("model"))
        let model = try EmbeddedLanguageModel(path: path, threads: threads, contextLength: 2048)
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 200)
        let tokens = Array(model.tokenizer.encode(text, parseSpecial: false, addBOS: false).prefix(promptCount))
        guard tokens.count >= 16 + 64 else { throw LanguageModelError.failed("bench text gave only \(tokens.count) tokens") }
        let anchor = try arguments.value("anchor").map { script throws(CLIError) in
            try LlamaCppAnchor(script: script, model: path, threads: model.threadCount,
                               promptTokens: promptCount, decodeTokens: decodeCount).run()
        }
        let (prefill, decode) = try await model.withSession { session in
            var prefill = 0.0, decode = 0.0
            for _ in 0..<3 {
                session.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                try session.append(tokens[...], logitsFrom: tokens.count - 1) { _, _ in }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                prefill = max(prefill, Double(tokens.count) / seconds)
            }
            for _ in 0..<3 {
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
        if arguments.flag("json") {
            let object: [String: Any] = [
                "prefill_tok_s": prefill.rounded(), "decode_tok_s": decode.rounded(), "load_ms": loadMS,
                "peak_rss_mb": peakMB, "threads": model.threadCount, "prompt_tokens": tokens.count,
                "decode_steps": decodeCount, "model": model.identity.model,
            ].merging(anchor.map { [
                "anchor_prefill_tok_s": $0.prefill, "anchor_decode_tok_s": $0.decode,
                "prefill_ratio": prefill / $0.prefill, "decode_ratio": decode / $0.decode,
            ] } ?? [:]) { first, _ in first }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Console.out(String(decoding: data, as: UTF8.self))
        } else {
            Console.out(String(format: "prefill %.0f tok/s decode %.0f tok/s", prefill, decode))
            Console.out(String(format: "load %.1f ms peak RSS %.1f MB threads=%d prompt=%d decode_steps=%d context=2048",
                               loadMS, peakMB, model.threadCount, tokens.count, decodeCount))
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
