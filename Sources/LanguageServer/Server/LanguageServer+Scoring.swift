import JSONRPC
import LanguageModel
import PromptFile
import VSynthesis

/// Live scoring: after a pause in typing, the demonstrations not yet in the cache are scored and
/// the document's diagnostics published again. A newer change cancels the older scoring.
extension LanguageServer {
    /// Scores `uri` after the debounce (none when `debounce` is false), replacing any scoring
    /// pending or running for it.
    func scheduleScoring(_ uri: String, debounce: Bool) {
        scoringTasks[uri]?.cancel()
        guard engineFailure == nil, let document = documents[uri], Self.needsScoring(document.parsed) else {
            scoringTasks[uri] = nil
            // Nothing to score (no demonstrations, or errors in every one): the counts still change.
            if engineFailure == nil, documents[uri] != nil, jobs[uri] == nil { status("idle", uri: uri) }
            return
        }
        let delay = debounce ? configuration.debounceMilliseconds : 0
        scoringTasks[uri] = Task {
            if delay > 0 {
                do { try await Task.sleep(for: .milliseconds(delay)) } catch { return }
            }
            await self.score(uri)
        }
    }

    /// Whether a document has something to score (demonstrations no error touches).
    static func needsScoring(_ parsed: PromptDocument) -> Bool {
        parsed.task != nil && !parsed.scorableDemonstrations.isEmpty
    }

    /// Scores the current text of `uri` (cached demonstrations cost nothing) and publishes.
    func score(_ uri: String) async {
        do {
            try await scoreNow(uri)
        } catch is CancellationError {
            return
        } catch LanguageModelError.cancelled {
            return
        } catch {
            if Task.isCancelled { return }
            showMessage("scoring \(uri) failed: \(error)", type: 1)
            status("error", uri: uri, message: "\(error)")
        }
    }

    /// Scores and publishes, throwing what went wrong (for `vsynth.rescore` with `wait`). Returns
    /// the scores of the document's scorable demonstrations in order.
    @discardableResult
    func scoreNow(_ uri: String) async throws -> [VScore] {
        guard let document = documents[uri] else { throw LanguageServerError.documentNotOpen(uri: uri) }
        guard Self.needsScoring(document.parsed), let task = document.parsed.task?.text else { return [] }
        let engine = try await loadedEngine(for: document.parsed)
        try Task.checkCancellation()
        status("scoring", uri: uri)
        let scores = try await scorer(engine, for: document.parsed)
            .score(task: task, demonstrations: document.parsed.scorableDemonstrations.map(\.demonstration))
        try Task.checkCancellation()
        // Published for the text as it is now: the cache answers for every unchanged demonstration.
        publishDiagnostics(uri)
        refreshInlayHints()
        // A synthesis of this file may still be running (it rescores as it goes): say so, not idle.
        status(jobs[uri] != nil ? "synthesizing" : "idle", uri: uri)
        return scores
    }

    /// The scorer of a file: the engine's, in the frame the file or the settings choose
    /// (`vsynth.frame`, `frame`), labelling bare turns in the plain frame.
    func scorer(_ engine: Engine, for document: PromptDocument) -> VScorer {
        engine.scorer.framing(configuration(for: document).frame).labelling(document.demonstrationFormat)
    }

    /// Asks the client to fetch inlay hints again, if it supports that (without waiting for it).
    func refreshInlayHints() {
        guard capabilities.supportsInlayHintRefresh, let connection else { return }
        Task {
            do { _ = try await connection.send(InlayHintRefreshRequest()) } catch {}
        }
    }
}
