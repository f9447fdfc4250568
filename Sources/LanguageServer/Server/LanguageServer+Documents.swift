import JSONRPC
import PromptFile

/// Text synchronisation: open, change (incremental, in the negotiated encoding), close, save.
extension LanguageServer {
    func didOpen(_ notification: DidOpenTextDocumentNotification) {
        let item = notification.textDocument
        let document = Document(uri: item.uri, version: item.version, text: item.text)
        log("didOpen \(item.uri) version \(item.version)")
        documents[item.uri] = document
        diskFiles[item.uri] = nil
        publishDiagnostics(item.uri)
        scheduleScoring(item.uri, debounce: false)
    }

    func didChange(_ notification: DidChangeTextDocumentNotification) {
        let uri = notification.textDocument.uri
        guard var document = documents[uri] else {
            log("didChange for a document that is not open: \(uri)")
            return
        }
        do {
            try document.apply(notification.contentChanges, version: notification.textDocument.version,
                               encoding: encoding)
        } catch {
            // The client and server no longer agree on the text: say so; the next full sync (or
            // reopen) repairs it.
            showMessage("\(error); the document may be out of sync, reopen it", type: 1)
            return
        }
        documents[uri] = document
        checkExpectation(uri)
        publishDiagnostics(uri)
        scheduleScoring(uri, debounce: true)
    }

    func didClose(_ notification: DidCloseTextDocumentNotification) {
        let uri = notification.textDocument.uri
        log("didClose \(uri)")
        documents[uri] = nil
        scoringTasks[uri]?.cancel()
        scoringTasks[uri] = nil
        cancelJobs { $0.uri == uri }
        expectations[uri] = nil
        // The file on disk is the truth again: score it as a closed file when it is one of ours.
        if let path = FileURI.path(of: uri), isWatchable(path) {
            refreshDiskFile(path)
        } else {
            notify(PublishDiagnosticsNotification(uri: uri, version: nil, diagnostics: []))
        }
    }

    func didSave(_ notification: DidSaveTextDocumentNotification) {
        let uri = notification.textDocument.uri
        guard let document = documents[uri] else { return }
        let refresh = document.parsed.settings.refresh ?? configuration.refresh
        guard refresh == .onSave else { return }
        do { _ = try self.refresh(uri) } catch { log("refresh on save of \(uri): \(error)") }
    }

    /// Sends the diagnostics of an open document: parse errors and warnings, and the V-Score of
    /// every demonstration already scored.
    func publishDiagnostics(_ uri: String) {
        guard let document = documents[uri] else { return }
        let diagnostics = diagnostics(for: document.parsed, converter: document.converter(encoding))
        let counts = DocumentCounts(diagnostics: diagnostics, demonstrations: document.parsed.demonstrations.count)
        log("publish \(uri) version \(document.version): \(counts.summary), \(diagnostics.count) diagnostics")
        notify(PublishDiagnosticsNotification(uri: uri, version: document.version, diagnostics: diagnostics))
    }
}
