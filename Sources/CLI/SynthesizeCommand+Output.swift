import PromptFile
import VSynthesis

/// What `vsynth synthesize FILE` prints: the new demonstrations with their scores (or as JSON), then
/// the run's figures on stderr.
extension SynthesizeCommand {
    /// Prints `result` of synthesizing for the file at `path`: as JSON, as text unless `diff` (the
    /// diff is the output then), and the summary line on stderr, then with `showDrops` every dropped
    /// candidate.
    static func printResult(_ result: SynthesisResult, of path: String, format: DemonstrationFormat,
                            options: SynthesisOptions, model: String, frame: String, json: Bool, diff: Bool,
                            showDrops: Bool = false) throws {
        if json {
            struct Item: Encodable { var input: String; var output: String; var vscore: Double?; var perToken: Double? }
            struct Dropped: Encodable { var reason: String; var detail: String?; var input: String; var output: String }
            struct Output: Encodable {
                var file: String; var model: String; var frame: String; var method: String; var seed: UInt64
                var demonstrations: [Item]; var generations: Int; var parseRate: Double; var drops: [String: Int]
                var labels: [LabelCount]?
                /// The synthesized pool's labels and the labels the chosen ones miss (`SynthesisResult.missingLabels`).
                var poolLabels: [LabelCount]?; var missingLabels: [String]?
                /// The demonstrations chosen and not kept, as they showed one label only (`SynthesisResult.withheld`).
                var withheld: [Item]?
                var dropped: [Dropped]
            }
            let item = { (chosen: ScoredDemonstration) in
                Item(input: chosen.demonstration.input, output: chosen.demonstration.output,
                     vscore: chosen.score?.total, perToken: chosen.score?.perToken)
            }
            Console.out(try EvalCommand.json(Output(
                file: path, model: model, frame: frame, method: options.method.rawValue, seed: options.seed,
                demonstrations: result.selected.map(item),
                generations: result.generations, parseRate: result.parseRate, drops: result.drops.counts,
                labels: result.labelHistogram.isEmpty ? nil : result.labelHistogram,
                poolLabels: result.poolLabelHistogram.isEmpty ? nil : result.poolLabelHistogram,
                missingLabels: result.labelHistogram.isEmpty ? nil : result.missingLabels,
                withheld: result.withheld.isEmpty ? nil : result.withheld.map(item),
                dropped: result.dropped.map {
                    let (input, output) = format.values(of: $0.demonstration)
                    return Dropped(reason: $0.reason.rawValue, detail: $0.detail, input: input, output: output)
                })))
        } else if !diff {
            for (index, item) in result.selected.enumerated() {
                let v = item.score.map { String(format: "V %.2f nats (%.3f/token)", $0.total, $0.perToken) } ?? "not scored"
                Console.out("[\(index + 1)] \(v)")
                Console.out("  \(format.promptInputLabel): \(item.demonstration.input)")
                Console.out("  \(format.promptOutputLabel): \(item.demonstration.output)")
            }
        }
        let speed = result.generationSeconds > 0 ? Double(result.generatedTokens) / result.generationSeconds : 0
        Console.err("\(result.selected.count) new of \(result.generations) generations (parse rate \(EvalCommand.f(result.parseRate, 2)); "
            + "dropped: \(result.drops.summary)), \(result.rounds) rounds, \(EvalCommand.f(speed, 1)) tok/s, seed \(options.seed), "
            + "frame \(frame)"
            + (result.labelHistogram.isEmpty ? "" : "; labels " + result.labelHistogram.map { "\($0.label) \($0.count)" }.joined(separator: ", ")))
        if let warning = result.missingLabelsWarning { Console.err("\(path): warning: \(warning)") }
        if let hint = result.exampleHint { Console.err("\(path): hint: \(hint)") }
        if showDrops {
            // A value's later lines are indented under its label; an output never written is left out.
            let indented = { (value: String) in value.replacingOccurrences(of: "\n", with: "\n    ") }
            for candidate in result.dropped {
                let (input, output) = format.values(of: candidate.demonstration)
                let why = candidate.reason.rawValue + (candidate.detail.map { ": \($0)" } ?? "")
                Console.err("dropped (\(why)):\n  \(format.promptInputLabel): \(indented(input))"
                    + (output.isEmpty ? "" : "\n  \(format.promptOutputLabel): \(indented(output))"))
            }
        }
    }
}
