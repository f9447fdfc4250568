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
        let output = try invoke([model, "\(threads)", "\(promptTokens)", "\(decodeTokens)"])
        guard let figures = Self.parse(output) else {
            throw CLIError.anchorFailed(script: script, reason: "no figures in: \(output.suffix(400))")
        }
        return figures
    }

    /// The batched anchor (scripts/llamacpp_batched_anchor.py): aggregate decode tok/s of B sequences
    /// decoded together, for each B of `sizes`, `decodeTokens` steps each.
    func runBatched(_ sizes: [Int]) throws(CLIError) -> [Int: Double] {
        let output = try invoke([model, "\(threads)", "\(decodeTokens)", sizes.map(String.init).joined(separator: ",")])
        var rates: [Int: Double] = [:]
        // `llama.cpp batch B decode D tok/s …`
        for line in output.split(separator: "\n") where line.hasPrefix("llama.cpp batch ") {
            let words = line.split(separator: " ")
            if words.count > 4, let size = Int(words[2]), let rate = Double(words[4]) { rates[size] = rate }
        }
        guard sizes.allSatisfy({ rates[$0] != nil }) else {
            throw CLIError.anchorFailed(script: script, reason: "no figures for every batch in: \(output.suffix(400))")
        }
        return rates
    }

    /// The script's output, run by the first python3 on PATH.
    private func invoke(_ arguments: [String]) throws(CLIError) -> String {
        guard FileManager.default.fileExists(atPath: script) else {
            throw CLIError.anchorFailed(script: script, reason: "no such file")
        }
        let python = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin"]
            .split(separator: ":").map { "\($0)/python3" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/python3"
        let result = Subprocess(executable: python, arguments: [script] + arguments,
                                environment: ProcessInfo.processInfo.environment).run()
        guard result.succeeded else {
            throw CLIError.anchorFailed(script: script, reason: "exit \(result.status): \(result.output.suffix(400))")
        }
        return result.output
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
