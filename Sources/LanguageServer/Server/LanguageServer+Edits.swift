import Foundation
import JSONRPC
import PromptFile

/// Delivering synthesized demonstrations safely. The edit is planned against the buffer as it is
/// right before sending: unchanged since the job started → the planned edit; changed but still
/// parsing → re-planned (new demonstrations after the file's last one, the user's text kept as
/// it now is); otherwise dropped with a message. Never applied over the user's text.
extension LanguageServer {
    /// Plans, sends and follows up one job's edit. Returns the progress end message.
    func deliver(_ job: SynthesisJob, made: [Demonstration], snapshot: Document) async -> String {
        guard let current = documents[job.uri] else {
            showMessage("\(job.uri) was closed; \(made.count) synthesized demonstration(s) not inserted")
            return "document closed; nothing inserted"
        }
        let parsed = current.parsed
        if let error = parsed.errors.first {
            showMessage("\(job.uri) changed and no longer parses (\(error.description)); \(made.count) synthesized demonstration(s) not inserted")
            return "document changed; nothing inserted"
        }
        var planned = parsed.demonstrationPairs
        switch job.kind {
        case .replaceWeakest:
            guard let weakest = job.replacing, let index = planned.firstIndex(of: weakest), let first = made.first else {
                showMessage("the weakest demonstration of \(job.uri) was edited meanwhile; it was not replaced")
                return "demonstration edited meanwhile; nothing replaced"
            }
            planned[index] = first
        case .synthesize, .topUp:
            planned += made
        }
        if current.bytes != snapshot.bytes { log("\(job.uri) changed during synthesis; edit re-planned against version \(current.version)") }
        let edits: [PromptFile.TextEdit]
        do {
            edits = try parsed.edits(replacingDemonstrationsWith: planned)
        } catch {
            showMessage("cannot insert into \(job.uri): \(error)")
            return "cannot insert: \(error)"
        }
        guard !edits.isEmpty else { return "nothing to change" }
        guard let connection else { return "not connected" }
        let converter = current.converter(encoding)
        let lspEdits = edits.map { LSPTextEdit(range: converter.range($0.range), newText: $0.newText) }
        let edit = capabilities.supportsDocumentChanges
            ? WorkspaceEdit(documentChanges: [TextDocumentEdit(
                textDocument: OptionalVersionedTextDocumentIdentifier(uri: job.uri, version: current.version), edits: lspEdits)])
            : WorkspaceEdit(changes: [job.uri: lspEdits])
        let inserted = job.kind == .replaceWeakest ? Array(made.prefix(1)) : made
        expectations[job.uri] = EditExpectation(inserted: inserted, confirmedByClient: false, jobID: job.id)
        let label = job.kind == .replaceWeakest ? "VSynth: replace the weakest demonstration"
            : "VSynth: insert \(inserted.count) demonstration\(inserted.count == 1 ? "" : "s")"
        // The synthesis is over once the edit is on its way: a new one may start meanwhile.
        if jobs[job.uri]?.id == job.id { jobs[job.uri] = nil }
        let result: ApplyEditResult
        do {
            // Editors may ask the user first; one that never answers is given up on after a minute.
            result = try await connection.send(ApplyEditRequest(label: label, edit: edit), timeout: .seconds(60))
        } catch {
            clearExpectation(job)
            showMessage("the editor did not answer workspace/applyEdit: \(error)")
            return "edit not applied"
        }
        guard result.applied else {
            clearExpectation(job)
            showMessage("the editor refused the edit to \(job.uri)\(result.failureReason.map { ": \($0)" } ?? "") (the buffer probably changed); run the command again")
            return "edit refused by the editor"
        }
        guard expectations[job.uri]?.jobID == job.id else { return "inserted" }
        expectations[job.uri]?.confirmedByClient = true
        // Already seen in a didChange that arrived before the answer?
        checkExpectation(job.uri)
        if expectations[job.uri]?.jobID == job.id { watchExpectation(job) }
        return "inserted \(inserted.count)"
    }

    private func clearExpectation(_ job: SynthesisJob) {
        if expectations[job.uri]?.jobID == job.id { expectations[job.uri] = nil }
    }

    /// After `applied: true`, the inserted demonstrations must show up in the text within the
    /// confirmation timeout; a client that said so without applying is reported.
    private func watchExpectation(_ job: SynthesisJob) {
        let timeout = options.confirmationTimeout
        Task {
            try? await Task.sleep(for: timeout)
            self.expectationTimedOut(job)
        }
    }

    private func expectationTimedOut(_ job: SynthesisJob) {
        guard let expectation = expectations[job.uri], expectation.jobID == job.id else { return }
        expectations[job.uri] = nil
        showMessage("the editor reported applying the edit to \(job.uri) but the document does not contain the \(expectation.inserted.count) inserted demonstration(s); run the command again")
    }

    /// Called after every change: the expectation is met once the document holds every inserted
    /// demonstration (and the client has answered).
    func checkExpectation(_ uri: String) {
        guard let expectation = expectations[uri], let document = documents[uri] else { return }
        let present = document.parsed.demonstrationPairs
        let normalized = expectation.inserted.map(PromptDocument.normalized)
        if normalized.allSatisfy(present.contains), expectation.confirmedByClient {
            expectations[uri] = nil
            log("edit to \(uri) confirmed by didChange")
        } else if normalized.allSatisfy(present.contains) {
            // Seen before the client's answer: mark it so the answer finds it done.
            expectations[uri]?.inserted = []
        }
    }
}
