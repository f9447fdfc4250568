import Dispatch
import Foundation
import LanguageModel
import LanguageServer
import PromptFile
import VSynthesis

/// `vsynth synthesize FILE`: new demonstrations for a prompt file, printed with their scores, as a
/// diff, or written into the file's demonstrations region. With several files, a directory or
/// `--jobs N`, a batch run (`SynthesizeCommand+Batch.swift`) tops every prompt file up to its count.
enum SynthesizeCommand: Command {
    static let spec = CommandSpec(
        path: ["synthesize"], summary: "Synthesize demonstrations for a prompt file, or top up many (--jobs).",
        usage: "FILE [-n N] [--scale S] [--method vsynthesis|topk|naive] [--seed K] [--write | --diff] [--progress]\n"
            + "       vsynth synthesize FILE|DIR... [--jobs N] [--backend SPEC] [--scale S] [--seed K]",
        options: [
            .init("write", help: "Add the new demonstrations to the file's region (atomic; refuses if the file changed)."),
            .init("force", help: "Write a read-only file (no write permission) all the same, keeping its mode."),
            .init("diff", help: "Print the change as a unified diff instead of writing it."),
            .init("replace", help: "Replace the file's demonstrations instead of adding to them."),
            .init("json", help: "Print the new demonstrations and the run's figures as JSON."),
            .init("progress", help: "Report progress on stderr (default when stderr is a terminal)."),
            .init("jobs", short: "j", value: "N", bound: .integer(Limits.jobs), help: "Batch run: files synthesized at once (default 1)."),
            EvalCommand.backendOption, EvalCommand.frameOption,
        ] + EvalCommand.synthesisOptions + EvalCommand.modelOptions,
        positionals: 1...Int.max,
        discussion: """
        By default n tops the file up to its vsynth.count (4 when unset). Hand-written demonstrations are \
        kept (and used as references) unless --replace is given. Ctrl-C stops cleanly without touching the file.
        Writing goes through symbolic links to their target and keeps the file's mode, owner and hard \
        links; a read-only file is refused unless --force is given, and a file that changes on disk \
        while VSynth works on it (even during the write) is left as it is.
        Batch run (several files, a directory or --jobs): directories are walked for *.prompt and \
        *.prompt.md files (sorted; links out of the directory ignored); each file is topped up to its \
        vsynth.count and written (as --write); files already at their count are skipped, so a rerun \
        resumes. Progress per file and a summary go to stderr; the exit code is 1 if any file failed. \
        Ctrl-C stops after cancelling the files in flight; no file is left half-written.
        """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        if isBatch(arguments) { return try await runBatch(arguments) }
        let path = arguments.positionals[0]
        if arguments.flag("write"), arguments.flag("diff") {
            throw UsageError(command: spec.path, message: "--write and --diff exclude each other")
        }
        let (document, task) = try ScoreCommand.load(path)
        let existing = document.demonstrationPairs
        var defaults = SynthesisOptions()
        let count = document.settings.count ?? 4
        defaults.count = arguments.flag("replace") ? max(count, 1) : max(count - existing.count, 0)
        if let seed = document.settings.seed { defaults.seed = UInt64(max(seed, 0)) }
        if arguments.value("count") == nil, defaults.count == 0 {
            Console.err("\(path) already holds \(existing.count) demonstrations (vsynth.count \(count)); pass -n N to add more")
            return 0
        }
        defaults.count = max(defaults.count, 1)
        let options = try EvalCommand.synthesisOptions(arguments, command: spec.path, defaults: defaults)
        let frame = try EvalCommand.frame(arguments, command: spec.path, file: document)
        let model = try await EvalCommand.openModel(arguments, command: spec.path, file: document)
        let format = document.demonstrationFormat
        var progress: (@Sendable (SynthesisProgress) -> Void)?
        if arguments.flag("progress") || Console.stderrIsTerminal {
            progress = { p in
                Console.err("round \(p.round): \(p.candidates) candidates, \(p.accepted)/\(p.target) accepted, "
                            + "\(EvalCommand.f(p.tokensPerSecond, 1)) tok/s")
            }
        }

        // Ctrl-C cancels the run; the file is only touched after the run has finished.
        let synthesizer = Synthesizer(model: model, frame: frame)
        let work = Task<SynthesisResult, any Error> {
            try await synthesizer.synthesize(definition: task, format: format, existing: existing,
                                             options: options, progress: progress)
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { work.cancel() }
        interrupt.resume()
        let result: SynthesisResult
        do {
            result = try await CLIError.explainingContextOverflow(in: path) { try await work.value }
        } catch where error is CancellationError || (error as? LanguageModelError) == .cancelled || work.isCancelled {
            Console.err("vsynth synthesize: interrupted; \(path) was not changed")
            return 130
        }
        interrupt.cancel()
        signal(SIGINT, SIG_DFL)

        let added = result.selected.map(\.demonstration)
        let kept = arguments.flag("replace") ? [] : existing
        let speed = result.generationSeconds > 0 ? Double(result.generatedTokens) / result.generationSeconds : 0
        let summary = "\(added.count) new of \(result.generations) generations (parse rate \(EvalCommand.f(result.parseRate, 2)); "
            + "dropped: \(dropText(result.drops))), \(result.rounds) rounds, \(EvalCommand.f(speed, 1)) tok/s, seed \(options.seed), "
            + "frame \(synthesizer.scorer.frame.name)"
            + (result.labelHistogram.isEmpty ? "" : "; labels " + result.labelHistogram.map { "\($0.label) \($0.count)" }.joined(separator: ", "))
        if arguments.flag("json") {
            struct Item: Encodable { var input: String; var output: String; var vscore: Double?; var perToken: Double? }
            struct Output: Encodable {
                var file: String; var model: String; var frame: String; var method: String; var seed: UInt64
                var demonstrations: [Item]; var generations: Int; var parseRate: Double; var drops: [String: Int]
                var labels: [LabelCount]?
            }
            Console.out(try EvalCommand.json(Output(
                file: path, model: model.identity.description, frame: synthesizer.scorer.frame.name, method: options.method.rawValue, seed: options.seed,
                demonstrations: result.selected.map { Item(input: $0.demonstration.input, output: $0.demonstration.output,
                                                           vscore: $0.score?.total, perToken: $0.score?.perToken) },
                generations: result.generations, parseRate: result.parseRate, drops: result.drops.counts,
                labels: result.labelHistogram.isEmpty ? nil : result.labelHistogram)))
        } else if !arguments.flag("diff") {
            for (index, item) in result.selected.enumerated() {
                let v = item.score.map { String(format: "V %.2f nats (%.3f/token)", $0.total, $0.perToken) } ?? "not scored"
                Console.out("[\(index + 1)] \(v)")
                Console.out("  \(format.promptInputLabel): \(item.demonstration.input)")
                Console.out("  \(format.promptOutputLabel): \(item.demonstration.output)")
            }
        }
        Console.err(summary)
        guard arguments.flag("write") || arguments.flag("diff") else { return 0 }
        guard !added.isEmpty else {
            Console.err("vsynth synthesize: nothing new to add; \(path) was not changed")
            return 1
        }
        let edits = try document.edits(replacingDemonstrationsWith: kept + added)
        let newBytes = try TextEdit.apply(edits, to: document.bytes)
        if arguments.flag("diff") {
            Console.out(UnifiedDiff.make(old: document.text, new: String(decoding: newBytes, as: UTF8.self),
                                         oldName: "a/" + path, newName: "b/" + path), terminator: "")
            return 0
        }
        do throws(VSynthesisError) {
            try PromptFileWriter.write(newBytes, to: path, expecting: document.bytes, force: arguments.flag("force"))
        } catch {
            throw CLIError.notWritten(error)
        }
        Console.err("wrote \(added.count) demonstrations to \(path)")
        return 0
    }

    static func dropText(_ drops: DropCounts) -> String {
        let parts = DropReason.allCases.compactMap { drops[$0] > 0 ? "\($0.rawValue) \(drops[$0])" : nil }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
