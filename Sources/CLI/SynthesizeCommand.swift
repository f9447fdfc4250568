import Foundation
import LanguageModel
import LanguageServer
import PromptFile
import VSynthesis

/// `vsynth synthesize FILE`: new demonstrations for a prompt file, printed with their scores, as a
/// diff, or written into the file's demonstrations region. With several files, a directory or
/// `--jobs N`, a batch run (`SynthesizeCommand+Batch.swift`) tops every prompt file up to its count.
enum SynthesizeCommand: Command {
    struct Options: SynthesisOptionsDeclaring, SeedDeclaring, ModelOptionsDeclaring {
        let write: Option<Bool> = .flag("write", help: "Add the new demonstrations to the file's region (atomic; refuses if the file changed).")
        let force: Option<Bool> = .flag("force", help: "Write a read-only file (no write permission) all the same, keeping its mode.")
        let diff: Option<Bool> = .flag("diff", help: "Print the change as a unified diff instead of writing it.")
        let replace: Option<Bool> = .flag("replace", help: "Replace the file's demonstrations instead of adding to them.")
        let json: Option<Bool> = .flag("json", help: "Print the new demonstrations and the run's figures as JSON.")
        let progress: Option<Bool> = .flag("progress", help: "Report progress on stderr (default when stderr is a terminal).")
        let showDrops: Option<Bool> = .flag("show-drops", help: "Print every dropped generation with the reason and what it wrote on stderr, after the summary (in the JSON: dropped).")
        let jobs: Option<Int> = .integer("jobs", short: "j", value: "N", bound: Limits.jobs, default: 1,
                                         help: "Batch run: files synthesized at once.")
        let frame = EvalCommand.frameOption
        let method = SynthesisOptionGroup.method()
        let seed = SynthesisOptionGroup.seed()
        let synthesis = SynthesisOptionGroup()
        let modelChoice = ModelOptionGroup()
    }

    static let spec = CommandSpec(
        path: ["synthesize"], summary: "Synthesize demonstrations for a prompt file, or top up many (--jobs).",
        usage: "FILE [-n N] [--scale S] [--method vsynthesis|topk|naive] [--seed K] [--write | --diff] [--progress]\n"
            + "       vsynth synthesize FILE|DIR... [--jobs N] [--backend SPEC] [--scale S] [--seed K]",
        options: Options(),
        positionals: 1...Int.max,
        discussion: """
        By default n tops the file up to its vsynth.count (\(TopUp.defaultCount) when unset). Hand-written demonstrations are \
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

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        if isBatch(arguments) { return try await runBatch(arguments) }
        let path = arguments.positionals[0]
        let write = try arguments[\.write], diff = try arguments[\.diff], replacing = try arguments[\.replace]
        if write, diff {
            throw UsageError(command: spec.path, message: "--write and --diff exclude each other")
        }
        let (document, task) = try ScoreCommand.load(path)
        let topUp = TopUp(document: document, task: task)
        let count = replacing ? max(topUp.target, 1) : topUp.lacking
        if try arguments[\.synthesis.count] == nil, count == 0 {
            Console.err("\(path) already holds \(topUp.held) demonstrations (vsynth.count \(topUp.target)); pass -n N to add more")
            return 0
        }
        let defaults = topUp.options(arguments.declared.synthesis.defaults, count: max(count, 1))
        let options = try synthesisOptions(arguments, over: defaults)
        let frame = EvalCommand.frame(try arguments[\.frame], file: document)
        let model = try await EvalCommand.openModel(arguments, file: document)
        let format = document.demonstrationFormat
        let progress: (@Sendable (SynthesisProgress) -> Void)?
        if try arguments[\.progress] || Console.stderrIsTerminal {
            progress = { p in
                if p.ordering {
                    // One line as the order step starts (its steps update an editor's progress, not a log).
                    if p.ordersTried == 0, let message = p.orderingMessage { Console.err(message) }
                    return
                }
                Console.err("round \(p.round): \(p.candidates) candidates, \(p.accepted)/\(p.target) accepted, "
                            + "\(EvalCommand.f(p.tokensPerSecond, 1)) tok/s")
            }
        } else {
            progress = nil
        }

        // The file is only touched after the run has finished.
        let synthesizer = Synthesizer(model: model, frame: frame)
        let run = await interruptible {
            try await topUp.synthesize(with: synthesizer, options: options, progress: progress)
        }
        let result: SynthesisResult
        do {
            result = try await CLIError.explainingContextOverflow(in: path) { try run.result.get() }
        } catch where error is CancellationError || (error as? LanguageModelError) == .cancelled || run.interrupted {
            Console.err("vsynth synthesize: interrupted; \(path) was not changed")
            return 130
        }

        let added = result.selected.map(\.demonstration)
        try printResult(result, of: path, format: format, options: options, model: model.identity.description, frame: synthesizer.scorer.frame.name,
                        json: try arguments[\.json], diff: diff, showDrops: try arguments[\.showDrops])
        guard write || diff else { return 0 }
        guard !added.isEmpty else {
            Console.err("vsynth synthesize: nothing new to add; \(path) was not changed")
            return 1
        }
        let newBytes = try topUp.newBytes(adding: added, replacing: replacing)
        if diff {
            Console.out(UnifiedDiff.make(old: document.text, new: String(decoding: newBytes, as: UTF8.self),
                                         oldName: "a/" + path, newName: "b/" + path), terminator: "")
            return 0
        }
        let force = try arguments[\.force]
        do throws(VSynthesisError) {
            try topUp.write(newBytes, to: path, force: force)
        } catch {
            throw CLIError.notWritten(error)
        }
        Console.err("wrote \(added.count) demonstrations to \(path)")
        return 0
    }

    /// The synthesis knobs, `--method` and `--seed` given on the command line over `base`.
    static func synthesisOptions(_ arguments: CommandArguments<Options>,
                                 over base: SynthesisOptions? = nil) throws(UsageError) -> SynthesisOptions {
        var options = try EvalCommand.synthesisOptions(arguments, over: base)
        options.method = try arguments[\.method]
        options.seed = try EvalCommand.seed(arguments) ?? options.seed
        return options
    }
}
