import Foundation
import JSONRPC
import PromptFile

/// Files no editor has open: watched on disk, rescored when they change, diagnostics published
/// for their URIs.
extension LanguageServer {
    /// (Re)starts the watcher over the workspace folders.
    func startWatching() {
        watcher?.stop()
        watcher = nil
        guard !workspaceFolders.isEmpty, phase == .running else { return }
        let watcher = FileWatcher(folders: workspaceFolders, interval: options.pollInterval) { paths in
            Task { await self.filesChanged(paths) }
        }
        watcher.start()
        self.watcher = watcher
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
        guard refresh != .off, Self.needsScoring(parsed), let task = parsed.task?.text else { return }
        scoringTasks[uri]?.cancel()
        scoringTasks[uri] = Task {
            do {
                let engine = try await self.loadedEngine()
                _ = try await engine.scorer.score(task: task, demonstrations: parsed.demonstrationPairs)
                self.publishDiskDiagnostics(uri)
            } catch {}
        }
    }

    func publishDiskDiagnostics(_ uri: String) {
        guard documents[uri] == nil, let parsed = diskFiles[uri] else { return }
        let converter = PositionConverter(lines: parsed.lines, encoding: encoding)
        notify(PublishDiagnosticsNotification(uri: uri, version: nil, diagnostics: diagnostics(for: parsed, converter: converter)))
    }
}
