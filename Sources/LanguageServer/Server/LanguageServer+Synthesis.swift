import Foundation
import JSONRPC
import LanguageModel
import PromptFile
import VSynthesis

/// Synthesis as inline insertion: a command starts a job and answers at once; the job reports
/// progress, runs V-Synthesis off the actor, and ends in a checked `workspace/applyEdit`.
extension LanguageServer {
    /// Starts a synthesis for `uri`; the answer to the command says whether it started.
    func startJob(_ kind: SynthesisJob.Kind, uri: String, requested: Int?) throws -> JSONValue {
        guard let document = documents[uri] else { throw LanguageServerError.documentNotOpen(uri: uri) }
        let parsed = document.parsed
        if let error = parsed.errors.first {
            throw LanguageServerError.documentNotReady(uri: uri, reason: "fix the file's errors first (\(error.description))")
        }
        guard let task = parsed.task?.text else {
            throw LanguageServerError.documentNotReady(uri: uri, reason: "no task definition: set vsynth.task or description")
        }
        guard jobs[uri] == nil else {
            throw LanguageServerError.documentNotReady(uri: uri, reason: "a synthesis is already running for this file")
        }
        var replacing: Demonstration?
        let count: Int
        switch kind {
        case .synthesize:
            count = requested ?? 1
        case .topUp:
            let topUp = self.topUp(parsed, task: task)
            count = topUp.lacking
            guard count > 0 else {
                return .object(["started": false, "message": .string("the file already holds \(topUp.held) of \(topUp.target) demonstrations")])
            }
        case .replaceWeakest:
            let scored = parsed.demonstrationPairs.compactMap { pair in cachedScore(in: parsed, task: task, pair).map { (pair, $0.score.total) } }
            guard let weakest = scored.min(by: { $0.1 < $1.1 }) else {
                throw LanguageServerError.documentNotReady(uri: uri, reason: "no demonstration is scored yet")
            }
            replacing = weakest.0
            count = 1
        }
        nextJobID += 1
        let token: ProgressToken? = capabilities.supportsWorkDoneProgress ? .string("vsynth-synthesis-\(nextJobID)") : nil
        var job = SynthesisJob(id: nextJobID, kind: kind, uri: uri, token: token, count: count, replacing: replacing)
        let snapshot = document
        let jobCopy = job
        job.task = Task { await self.run(jobCopy, snapshot: snapshot, task: task) }
        jobs[uri] = job
        var answer: [String: JSONValue] = ["started": true, "count": .integer(Int64(count)), "job": .integer(Int64(job.id))]
        if let token { answer["token"] = .string(token.description) }
        return .object(answer)
    }

    /// Cancels the jobs `matching` says; returns how many.
    @discardableResult
    func cancelJobs(_ matching: (SynthesisJob) -> Bool) -> Int {
        let cancelled = jobs.values.filter(matching)
        for job in cancelled {
            job.task?.cancel()
            jobs[job.uri] = nil
        }
        return cancelled.count
    }

    /// The job's body: progress, synthesis, delivery.
    private func run(_ job: SynthesisJob, snapshot: Document, task: String) async {
        let connection = self.connection
        // The token, once the client has accepted it; no `$/progress` goes out for a token it refused.
        var acceptedToken: ProgressToken?
        // Only a model still to load is worth a word; a loaded one goes straight to work.
        let startMessage = engine == nil ? "loading the model" : "generating candidates"
        job.progress.withLock { $0.message = startMessage }
        if let token = job.token, let connection {
            do {
                // A client that never answers must not hold the synthesis up.
                _ = try await connection.send(CreateWorkDoneProgressRequest(token: token), timeout: .seconds(5))
                try connection.send(ProgressNotification(token: token, value: .begin(
                    title: "VSynth: synthesizing \(job.count) demonstration\(job.count == 1 ? "" : "s")",
                    message: startMessage)))
                acceptedToken = token
            } catch {
                log("progress not available: \(error)")
            }
        }
        status("synthesizing", uri: job.uri)
        var endMessage = "done"
        do {
            let parsed = snapshot.parsed
            let token = acceptedToken
            let statusNotifications = configuration.statusNotifications
            let report: @Sendable (SynthesisProgress) -> Void = { progress in
                let percentage = progress.percentage
                let message = progress.orderingMessage
                    ?? "\(progress.accepted)/\(progress.target) candidates, round \(progress.round)"
                // Recorded for later statuses, and sent now (as `$/progress` is) to clients that
                // asked for statuses: thin ones follow a synthesis without `$/progress`.
                let advanced = job.progress.withLock { current -> Bool in
                    guard percentage >= current.percentage else { return false }
                    current = SynthesisJob.Progress(percentage: percentage, message: message)
                    return true
                }
                if advanced, statusNotifications, let connection {
                    try? connection.send(StatusNotification(state: "synthesizing", uri: job.uri, message: message,
                                                            percentage: percentage))
                }
                guard let token, let connection else { return }
                try? connection.send(ProgressNotification(token: token, value: .report(message: message, percentage: percentage)))
            }
            let existing = job.kind == .replaceWeakest
                ? parsed.demonstrationPairs.filter { $0 != job.replacing } : parsed.demonstrationPairs
            let result = try await synthesize(job.count, topUp(parsed, task: task, references: existing), progress: report)
            let made = result.selected.map(\.demonstration)
            if let label = result.withheldLabel, let warning = result.withheldWarning {
                // Withheld: the demonstrations would have shown one label only.
                endMessage = "kept no demonstration: the model read every candidate as '\(label)'"
                showMessage(warning)
            } else if made.isEmpty {
                endMessage = "the model produced no usable demonstration"
                showMessage("synthesis produced no usable demonstration (\(result.generations) generations; dropped: "
                            + "\(result.drops.summary); `vsynth synthesize FILE --show-drops` shows what they were)")
            } else {
                endMessage = await deliver(job, made: made, snapshot: snapshot)
                if let warning = result.missingLabelsWarning { showMessage(warning) }
            }
            // After whatever came of it: a file with no demonstration of its own that lost most of its
            // generations is told to write one (an information message).
            if parsed.demonstrationPairs.isEmpty, let hint = result.exampleHint { showMessage(hint, type: 3) }
        } catch is CancellationError {
            endMessage = "cancelled"
        } catch LanguageModelError.cancelled {
            endMessage = "cancelled"
        } catch {
            endMessage = "failed: \(error)"
            showMessage("synthesis failed: \(error)", type: 1)
        }
        if let token = acceptedToken, let connection {
            try? connection.send(ProgressNotification(token: token, value: .end(message: endMessage)))
        }
        if jobs[job.uri]?.id == job.id { jobs[job.uri] = nil }
        status("idle", uri: job.uri, message: endMessage)
    }

    /// The top-up of a parsed file, with the server's `count` as the target of files that set none.
    func topUp(_ parsed: PromptDocument, task: String, references: [Demonstration]? = nil) -> TopUp {
        TopUp(document: parsed, task: task, references: references, defaultCount: configuration.count)
    }

    /// How many demonstrations a file should hold: its `vsynth.count`, else the server's `count`.
    func topUpTarget(_ parsed: PromptDocument) -> Int {
        TopUp.target(of: parsed, defaultCount: configuration.count)
    }

    /// Runs V-Synthesis for `count` new demonstrations of `topUp`'s file, with its settings (seed,
    /// labels) and the server's scale, seed and parallelism. Runs on the engine's threads; cancellable.
    func synthesize(_ count: Int, _ topUp: TopUp,
                    progress: (@Sendable (SynthesisProgress) -> Void)?) async throws -> SynthesisResult {
        let engine = try await loadedEngine(for: topUp.document)
        var base = SynthesisOptions()
        base.scale = max(configuration.scale, count)
        base.seed = configuration.seed
        base.parallelism = configuration.parallel
        return try await topUp.synthesize(with: engine.synthesizer.framing(configuration(for: topUp.document).frame), options: topUp.options(base, count: count), progress: progress)
    }
}
