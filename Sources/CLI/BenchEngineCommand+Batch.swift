import Foundation
import Inference

/// `vsynth bench engine --batch B,B,…`: aggregate decode throughput of B sequences decoded together,
/// one token each per step (InferenceSession.decode, the step of the engine's continuous batching),
/// with llama.cpp decoding the same B sequences in the same run (scripts/llamacpp_batched_anchor.py).
extension BenchEngineCommand {
    /// Most sequences one measurement decodes together.
    static let batchSizes = 1...64

    /// Aggregate decode tok/s of every size in each of `runs` runs (`[run][size]`): B sequences
    /// start from the bench text's first 16 tokens, then `steps` steps decode toks[16 + (i + s) % 64]
    /// for sequence s at step i. A run measures every size once, in turn, so that the host's drift
    /// (decode speed here moves by ±15% from one minute to the next) falls alike on the sizes that a
    /// run's ratios compare.
    static func decodeBatches(_ sizes: [Int], model: EmbeddedLanguageModel, tokens: [Int32], steps: Int,
                              runs: Int) async throws -> [[Double]] {
        try await model.withSession { session in
            try (0..<runs).map { _ in
                try sizes.map { size in
                    let sequences = (0..<size).map { _ in session.makeSequence() }
                    for sequence in sequences { try session.append(tokens[..<16], to: sequence, logitsFrom: 15) { _, _ in } }
                    var step = [Int32](repeating: 0, count: size)
                    let start = DispatchTime.now().uptimeNanoseconds
                    for i in 0..<steps {
                        for s in 0..<size { step[s] = tokens[16 + (i + s) % 64] }
                        try session.decode(step, into: sequences) { _, _ in }
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    return Double(size * steps) / seconds
                }
            }
        }
    }

    /// Each size's speedup over B = 1 in every run (`[size][run]`), from `decodeBatches`' table;
    /// nil without a B = 1 in `sizes`.
    static func speedups(_ sizes: [Int], rates: [[Double]]) -> [[Double]]? {
        guard let single = sizes.firstIndex(of: 1) else { return nil }
        return sizes.indices.map { size in rates.map { $0[size] / $0[single] } }
    }

    /// The median of `values` (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Runs the batch measurement and prints its table (or JSON).
    static func runBatches(_ sizes: [Int], model: EmbeddedLanguageModel, path: String, tokens: [Int32], steps: Int,
                           runs: Int, anchorScript: String?, json: Bool) async throws -> Int32 {
        let anchor = try anchorScript.map { script throws(CLIError) in
            try LlamaCppAnchor(script: script, model: path, threads: model.threadCount, promptTokens: 16, decodeTokens: steps)
                .runBatched(sizes)
        }
        let rates = try await decodeBatches(sizes, model: model, tokens: tokens, steps: steps, runs: runs)
        let peakMB = Double(peakResidentKilobytes() ?? 0) / 1024
        // A size's rate is its best run; its speedup the median of its runs' ratios to B = 1.
        let decode = sizes.indices.map { size in rates.map { $0[size] }.max() ?? 0 }
        let speedups = speedups(sizes, rates: rates)
        if json {
            struct Row: Encodable {
                var batch: Int; var decode: Double; var runs: [Double]; var speedup: Double?; var speedups: [Double]?
                var anchorDecode: Double?; var ratio: Double?
                enum CodingKeys: String, CodingKey {
                    case batch, ratio
                    case decode = "decode_tok_s", runs = "run_decode_tok_s", speedup = "vs_batch_1",
                         speedups = "run_vs_batch_1", anchorDecode = "anchor_decode_tok_s"
                }
            }
            struct Output: Encodable {
                var batches: [Row]; var peakMB: Double; var threads: Int; var decodeSteps: Int; var runs: Int; var model: String
                enum CodingKeys: String, CodingKey {
                    case batches, threads, model, runs
                    case peakMB = "peak_rss_mb", decodeSteps = "decode_steps"
                }
            }
            let rows = sizes.indices.map { i in
                Row(batch: sizes[i], decode: decode[i].rounded(), runs: rates.map { $0[i].rounded() },
                    speedup: speedups.map { median($0[i]) }, speedups: speedups?[i],
                    anchorDecode: anchor?[sizes[i]], ratio: anchor?[sizes[i]].map { decode[i] / $0 })
            }
            Console.out(try EvalCommand.json(Output(batches: rows, peakMB: peakMB, threads: model.threadCount,
                                                    decodeSteps: steps, runs: runs, model: model.identity.model)))
            return 0
        }
        Console.out("batch  decode tok/s  vs B=1 (median, range over runs)" + (anchor == nil ? "" : "  llama.cpp tok/s  ratio"))
        for (index, (size, rate)) in zip(sizes, decode).enumerated() {
            let speedup = speedups.map { perSize in
                let ratios = perSize[index]
                return String(format: "%.2fx (%.2f–%.2f)", median(ratios), ratios.min() ?? 0, ratios.max() ?? 0)
            } ?? "-"
            var line = String(format: "%5d  %12.0f  ", size, rate) + speedup.padding(toLength: 37, withPad: " ", startingAt: 0)
            if let anchor {
                let theirs = anchor[size] ?? .nan
                line += String(format: "  %15.0f  %.2fx", theirs, rate / theirs)
            }
            Console.out(line)
        }
        Console.out(String(format: "peak RSS %.1f MB threads=%d decode_steps=%d runs=%d (tok/s: the best run)",
                           peakMB, model.threadCount, steps, runs)
                    + (anchor == nil ? "" : " (llama.cpp in the same run)"))
        return 0
    }
}
