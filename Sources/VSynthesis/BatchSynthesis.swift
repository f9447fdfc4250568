import Foundation
import LanguageModel
import PromptFile

/// Tops up many prompt files to their `vsynth.count` (`TopUp`) with one language model, at most
/// `jobs` files in flight at once. Resumable: a file that already holds `count` demonstrations is skipped, so a
/// rerun after an interruption continues where the last one stopped. Each file is written only after
/// its synthesis finished, atomically, through symbolic links, keeping mode, owner and hard links, and
/// only if it did not change on disk meanwhile (`PromptFileWriter`); a cancelled run leaves every file
/// either untouched or fully written.
public struct BatchSynthesis: Sendable {
    /// What happened to one file.
    public enum Outcome: Sendable, Equatable {
        /// `added` demonstrations were written; the file now holds `total`.
        case done(added: Int, total: Int)
        /// The file already held `existing` demonstrations of `count`.
        case skipped(existing: Int, count: Int)
        /// The file could not be processed; others still were.
        case failed(String)
        /// The run was cancelled before this file was finished; it was not changed.
        case cancelled
    }

    /// One file's report, given to `progress` when the file is finished.
    public struct FileReport: Sendable, Equatable {
        /// 1-based position of the file in the run's list.
        public var index: Int
        public var path: String
        public var outcome: Outcome
        public var seconds: Double
    }

    /// The run's totals.
    public struct Summary: Sendable, Equatable {
        public var reports: [FileReport]
        public var seconds: Double
        public var done: Int { reports.filter { if case .done = $0.outcome { true } else { false } }.count }
        public var skipped: Int { reports.filter { if case .skipped = $0.outcome { true } else { false } }.count }
        public var failed: Int { reports.filter { if case .failed = $0.outcome { true } else { false } }.count }
        public var cancelled: Int { reports.filter { $0.outcome == .cancelled }.count }
        public var added: Int {
            reports.reduce(0) { sum, report in if case let .done(added, _) = report.outcome { sum + added } else { sum } }
        }
    }

    public let model: any LanguageModel
    /// Most files in flight at once (at least 1).
    public let jobs: Int
    /// The synthesis knobs; `count` is replaced per file by what it lacks, and `seed` by the file's
    /// `vsynth.seed` unless `seedOverride` is set.
    public let options: SynthesisOptions
    public let seedOverride: UInt64?
    /// The frame to score and prompt in instead of each file's `vsynth.frame` (else the model's template).
    public let frame: ChatTemplate.Kind?
    /// Whether read-only files are written all the same (`PromptFileWriter`'s `force`).
    public let force: Bool

    public init(model: any LanguageModel, jobs: Int, options: SynthesisOptions = SynthesisOptions(), seedOverride: UInt64? = nil,
                frame: ChatTemplate.Kind? = nil, force: Bool = false) {
        self.frame = frame
        self.model = model
        self.jobs = max(jobs, 1)
        self.options = options
        self.seedOverride = seedOverride
        self.force = force
    }

    /// Processes `files` (paths), calling `progress` as each one finishes (from any task).
    public func run(files: [String], progress: (@Sendable (FileReport) -> Void)? = nil) async -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        var reports: [FileReport] = []
        await withTaskGroup(of: FileReport.self) { group in
            var next = 0
            func startNext() {
                guard next < files.count else { return }
                let index = next
                next += 1
                group.addTask { await self.process(index: index + 1, path: files[index]) }
            }
            for _ in 0..<min(jobs, files.count) { startNext() }
            while let report = await group.next() {
                reports.append(report)
                progress?(report)
                if Task.isCancelled {
                    // Files never started are reported as cancelled; running ones finish cancelling.
                    while next < files.count {
                        let report = FileReport(index: next + 1, path: files[next], outcome: .cancelled, seconds: 0)
                        reports.append(report)
                        progress?(report)
                        next += 1
                    }
                } else {
                    startNext()
                }
            }
        }
        reports.sort { $0.index < $1.index }
        return Summary(reports: reports, seconds: (clock.now - start).seconds)
    }

    /// Tops up one file; never throws: an error becomes the file's `.failed` outcome.
    func process(index: Int, path: String) async -> FileReport {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: Outcome
        do {
            outcome = try await topUp(path)
        } catch where error is CancellationError || (error as? LanguageModelError) == .cancelled || Task.isCancelled {
            outcome = .cancelled
        } catch {
            outcome = .failed(String(describing: error))
        }
        return FileReport(index: index, path: path, outcome: outcome, seconds: (clock.now - start).seconds)
    }

    func topUp(_ path: String) async throws -> Outcome {
        let document = try PromptDocument(contentsOfFile: path)
        if let error = document.errors.first {
            throw VSynthesisError.invalidPromptFile(path: path, message: "has errors (first: \(error.description))")
        }
        guard let task = document.task?.text, !task.isEmpty else {
            throw VSynthesisError.invalidPromptFile(path: path, message: "no task definition: set vsynth.task or description in the frontmatter")
        }
        let topUp = TopUp(document: document, task: task)
        guard topUp.lacking > 0 else { return .skipped(existing: topUp.held, count: topUp.target) }
        let result = try await topUp.synthesize(with: Synthesizer(model: model, frame: frame ?? document.settings.frame),
                                                options: topUp.options(options, count: topUp.lacking, seed: seedOverride))
        let added = result.selected.map(\.demonstration)
        guard !added.isEmpty else {
            if let warning = result.withheldWarning { throw VSynthesisError.model(warning) }
            throw VSynthesisError.model("no demonstration survived the filters (\(result.generations) generations, parse rate \(result.parseRate))"
                                        + (result.exampleHint.map { "; \($0)" } ?? ""))
        }
        try topUp.write(try topUp.newBytes(adding: added), to: path, force: force)
        return .done(added: added.count, total: topUp.held + added.count)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
