import Dispatch
import Foundation
import LanguageModel
import LanguageServer
import VSynthesis

/// `vsynth synthesize FILE|DIR... --jobs N`: the batch run over many prompt files.
extension SynthesizeCommand {
    /// Several paths, a directory, or `--jobs` make a batch run; one file alone keeps the
    /// single-file behaviour (print, `--write`, `--diff`, `--json`).
    static func isBatch(_ arguments: ParsedArguments) -> Bool {
        if arguments.positionals.count > 1 || arguments.value("jobs") != nil { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: arguments.positionals[0], isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func runBatch(_ arguments: ParsedArguments) async throws -> Int32 {
        for option in ["diff", "json", "replace", "count"] where arguments.flag(option) || arguments.value(option) != nil {
            throw UsageError(command: spec.path, message: "option '--\(option)' applies to one file only; a batch run tops each file up to its vsynth.count and writes it")
        }
        let jobs = try arguments.int("jobs", command: spec.path) ?? 1
        let files = try PromptFileWalker.files(arguments.positionals)
        guard !files.isEmpty else {
            Console.err("vsynth synthesize: no *.prompt or *.prompt.md files under \(arguments.positionals.joined(separator: " "))")
            return 1
        }
        let options = try EvalCommand.synthesisOptions(arguments, command: spec.path)
        let seed = try EvalCommand.seed(arguments, command: spec.path)
        let frame = try EvalCommand.frame(arguments, command: spec.path)
        let model = try await EvalCommand.openModel(arguments, command: spec.path)
        Console.err("synthesizing \(files.count) files with \(model.identity), \(jobs) at a time")
        let batch = BatchSynthesis(model: model, jobs: jobs, options: options, seedOverride: seed, frame: frame,
                                   force: arguments.flag("force"))
        let total = files.count
        let work = Task<BatchSynthesis.Summary, Never> {
            await batch.run(files: files) { report in
                Console.err("[\(report.index)/\(total)] \(report.path): \(describe(report.outcome)) (\(EvalCommand.f(report.seconds, 1)) s)")
            }
        }
        // Ctrl-C cancels the files in flight (none is written after cancellation) and starts no more.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { work.cancel() }
        interrupt.resume()
        let summary = await work.value
        interrupt.cancel()
        signal(SIGINT, SIG_DFL)
        var line = "\(summary.done) done, \(summary.skipped) skipped, \(summary.failed) failed"
        if summary.cancelled > 0 { line += ", \(summary.cancelled) cancelled" }
        line += "; \(summary.added) demonstrations added; \(EvalCommand.f(summary.seconds, 1)) s wall time"
        Console.err(line)
        if work.isCancelled { return 130 }
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
