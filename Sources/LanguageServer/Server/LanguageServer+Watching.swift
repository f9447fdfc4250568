import Foundation
import JSONRPC
import PromptFile
import VSynthesis

/// Files no editor has open: watched on disk, rescored when they change, diagnostics published
/// for their URIs.
extension LanguageServer {
    /// (Re)starts the watcher over the workspace folders.
    func startWatching() {
        watcher?.stop()
        watcher = nil
        guard !workspaceFolders.isEmpty, phase == .running else { return }
        let report: @Sendable ([String]) -> Void = { paths in
            Task { await self.filesChanged(paths) }
        }
        #if os(Linux)
        if !options.forcePolling, let inotify = InotifyWatcher(folders: workspaceFolders, onChange: report) {
            inotify.start()
            self.watcher = .inotify(inotify)
            return
        }
        #endif
        let poller = FileWatcher(folders: workspaceFolders, interval: options.pollInterval, onChange: report)
        poller.start()
        self.watcher = .polling(poller)
    }

    func filesChanged(_ paths: [String]) {
        for path in paths where documents[FileURI.uri(of: path)] == nil { refreshDiskFile(path) }
    }

    /// Whether `path` may be read and written by the server: a prompt file inside a workspace
    /// folder once symbolic links are resolved (so no link leads out of the folders).
    func isWatchable(_ path: String) -> Bool {
        guard FileURI.isPromptFile(path) else { return false }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return workspaceFolders.contains { folder in
            let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
            return resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }
    }

    /// Reads, parses and (per its refresh mode) scores a closed file, publishing its diagnostics.
    func refreshDiskFile(_ path: String) {
        let uri = FileURI.uri(of: path)
        guard isWatchable(path), documents[uri] == nil else { return }
        guard let parsed = try? PromptDocument(contentsOfFile: path) else {
            diskFiles[uri] = nil
            notify(PublishDiagnosticsNotification(uri: uri, version: nil, diagnostics: []))
            return
        }
        diskFiles[uri] = parsed
        publishDiskDiagnostics(uri)
        let refresh = parsed.settings.refresh ?? configuration.refresh
        if refresh == .onSave { topUpClosedFile(path, parsed) }
        guard engineFailure == nil, refresh != .off, Self.needsScoring(parsed), let task = parsed.task?.text else { return }
        scoringTasks[uri]?.cancel()
        scoringTasks[uri] = Task {
            do {
                let engine = try await self.loadedEngine(for: parsed)
                _ = try await self.scorer(engine, for: parsed).score(task: task, demonstrations: parsed.scorableDemonstrations.map(\.demonstration))
                self.publishDiskDiagnostics(uri)
            } catch {}
        }
    }

    func publishDiskDiagnostics(_ uri: String) {
        guard documents[uri] == nil, let parsed = diskFiles[uri] else { return }
        let converter = PositionConverter(lines: parsed.lines, encoding: encoding)
        notify(PublishDiagnosticsNotification(uri: uri, version: nil, diagnostics: diagnostics(for: parsed, converter: converter)))
    }

    /// Refresh on save for a file no editor has open: top it up to its `count` (`TopUp`) and write
    /// the result with `PromptFileWriter` (atomic, through symbolic links, mode, owner and hard links
    /// kept, read-only files refused), only if the file still holds the bytes that were read, even
    /// during the write, only inside the workspace folders, only to prompt files.
    func topUpClosedFile(_ path: String, _ parsed: PromptDocument) {
        let uri = FileURI.uri(of: path)
        guard !parsed.hasErrors, let task = parsed.task?.text, jobs[uri] == nil, lastWritten[uri] != parsed.bytes else { return }
        let topUp = self.topUp(parsed, task: task)
        let missing = topUp.lacking
        guard missing > 0 else { return }
        nextJobID += 1
        var job = SynthesisJob(id: nextJobID, kind: .topUp, uri: uri, token: nil, count: missing)
        let jobID = job.id
        job.task = Task {
            defer { if self.jobs[uri]?.id == jobID { self.jobs[uri] = nil } }
            do {
                let result = try await self.synthesize(missing, topUp, progress: nil)
                let made = result.selected.map(\.demonstration)
                guard !made.isEmpty else { return }
                let newBytes = try topUp.newBytes(adding: made)
                // Checked again right before writing: still ours, still closed.
                // The file written is the resolved path, so that is the one checked (inside the workspace, a prompt file).
                let realPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard self.isWatchable(path), self.isWatchable(realPath), self.documents[uri] == nil else { return }
                try topUp.write(newBytes, to: realPath)
                self.lastWritten[uri] = newBytes
                self.log("refresh on save: wrote \(made.count) demonstration(s) into \(path)")
            } catch is CancellationError {
            } catch {
                self.showMessage("refresh on save of \(path): \(error)")
            }
        }
        jobs[uri] = job
    }
}
