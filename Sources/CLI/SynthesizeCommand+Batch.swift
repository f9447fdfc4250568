import Foundation
import LanguageModel
import LanguageServer
import VSynthesis

/// `vsynth synthesize FILE|DIR... --jobs N`: the batch run over many prompt files.
extension SynthesizeCommand {
    /// Several paths, a directory, or `--jobs` make a batch run; one file alone keeps the
    /// single-file behaviour (print, `--write`, `--diff`, `--json`).
    static func isBatch(_ arguments: CommandArguments<Options>) -> Bool {
        if arguments.positionals.count > 1 || arguments.given(\.jobs) { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: arguments.positionals[0], isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func runBatch(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        if let option = arguments.firstGiven([\.diff, \.json, \.replace, \.showDrops, \.synthesis.count]) {
            throw UsageError(command: spec.path, message: "option '--\(option)' applies to one file only; a batch run tops each file up to its vsynth.count and writes it")
        }
        let jobs = try arguments[\.jobs]
        let files = try PromptFileWalker.files(arguments.positionals)
        guard !files.isEmpty else {
            Console.err("vsynth synthesize: no *.prompt or *.prompt.md files under \(arguments.positionals.joined(separator: " "))")
            return 1
        }
        let options = try synthesisOptions(arguments)
        let seed = try EvalCommand.seed(arguments)
        let frame = EvalCommand.frame(try arguments[\.frame])
        let model = try await EvalCommand.openModel(arguments)
        Console.err("synthesizing \(files.count) files with \(model.identity), \(jobs) at a time")
        let batch = BatchSynthesis(model: model, jobs: jobs, options: options, seedOverride: seed, frame: frame,
                                   force: try arguments[\.force])
        let total = files.count
        // Ctrl-C cancels the files in flight (none is written after cancellation) and starts no more.
        let run = await interruptible {
            await batch.run(files: files) { report in
                Console.err("[\(report.index)/\(total)] \(report.path): \(describe(report.outcome)) (\(EvalCommand.f(report.seconds, 1)) s)")
            }
        }
        let summary = try run.result.get()
        var line = "\(summary.done) done, \(summary.skipped) skipped, \(summary.failed) failed"
        if summary.cancelled > 0 { line += ", \(summary.cancelled) cancelled" }
        line += "; \(summary.added) demonstrations added; \(EvalCommand.f(summary.seconds, 1)) s wall time"
        Console.err(line)
        if run.interrupted { return 130 }
        return summary.failed > 0 ? 1 : 0
    }

    static func describe(_ outcome: BatchSynthesis.Outcome) -> String {
        switch outcome {
        case let .done(added, total): "done, \(added) added (\(total) now)"
        case let .skipped(existing, count): "skipped, already \(existing) of count \(count)"
        case let .failed(message): "failed: \(message)"
        case .cancelled: "cancelled, not changed"
        }
    }
}
