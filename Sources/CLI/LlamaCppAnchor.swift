import Foundation

/// The llama.cpp throughput anchor (`shared/reference/llamacpp_anchor.py`), run in the same
/// process invocation as a benchmark so that the ratio compares the two under the same machine load.
struct LlamaCppAnchor {
    /// What the anchor printed: `llama.cpp prefill P tok/s decode D tok/s …`.
    struct Figures {
        var prefill: Double
        var decode: Double
    }

    var script: String
    var model: String
    var threads: Int
    var promptTokens: Int
    var decodeTokens: Int

    func run() throws(CLIError) -> Figures {
        guard FileManager.default.fileExists(atPath: script) else {
            throw CLIError.anchorFailed(script: script, reason: "no such file")
        }
        let python = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin"]
            .split(separator: ":").map { "\($0)/python3" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/python3"
        let result = Subprocess(executable: python,
                                arguments: [script, model, "\(threads)", "\(promptTokens)", "\(decodeTokens)"],
                                environment: ProcessInfo.processInfo.environment).run()
        guard result.succeeded, let figures = Self.parse(result.output) else {
            throw CLIError.anchorFailed(script: script, reason: "exit \(result.status): \(result.output.suffix(400))")
        }
        return figures
    }

    /// Reads `prefill P tok/s decode D tok/s` from the anchor's output.
    static func parse(_ output: String) -> Figures? {
        for line in output.split(separator: "\n") where line.hasPrefix("llama.cpp prefill") {
            let words = line.split(separator: " ")
            guard let p = words.firstIndex(of: "prefill"), let d = words.firstIndex(of: "decode"),
                  p + 1 < words.count, d + 1 < words.count,
                  let prefill = Double(words[p + 1]), let decode = Double(words[d + 1]) else { continue }
            return Figures(prefill: prefill, decode: decode)
        }
        return nil
    }
}
