import Foundation
import JSONRPC

/// `initialize`, `initialized`, `shutdown`, `exit`, configuration and workspace folders.
extension LanguageServer {
    /// The version `initialize` reports.
    public static let version = "0.1.0"

    func initialize(_ request: InitializeRequest) throws -> InitializeResult {
        guard phase == .waitingForInitialize else {
            throw ResponseError.invalidRequest("initialize was already received")
        }
        capabilities = request.capabilities
        encoding = PositionEncoding.negotiate(offered: request.capabilities.general?.positionEncodings)
        do {
            for warning in try configuration.update(from: request.initializationOptions) { log(warning) }
        } catch {
            throw ResponseError.invalidParams("initializationOptions: \(error)")
        }
        var folders = request.workspaceFolders?.compactMap { FileURI.path(of: $0.uri) } ?? []
        if folders.isEmpty, let root = request.rootUri.flatMap(FileURI.path(of:)) { folders = [root] }
        workspaceFolders = folders.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        phase = .running
        return InitializeResult(capabilities: .vsynth(encoding: encoding),
                                serverInfo: .init(name: "vsynth", version: Self.version))
    }

    /// The client is ready: load the model now (so the first scores come fast) and start watching.
    func initialized() {
        startLoadingEngine()
        startWatching()
    }

    func shutdown(_ request: ShutdownRequest) -> VoidResponse {
        phase = .shutDown
        cancelEverything()
        return VoidResponse()
    }

    /// `exit`: 0 after `shutdown`, 1 without (LSP); queued output is written first.
    func exit() async {
        guard phase != .exited else { return }
        let code: Int32 = phase == .shutDown ? 0 : 1
        phase = .exited
        cancelEverything()
        await connection?.flush()
        connection?.close()
        options.exit(code)
    }

    func didChangeConfiguration(_ notification: DidChangeConfigurationNotification) {
        var updated = configuration
        do {
            for warning in try updated.update(from: notification.settings) { log(warning) }
        } catch {
            showMessage("\(error)")
            return
        }
        let reload = updated.modelKey != configuration.modelKey
        // A file's choice may now resolve differently (names changed): load alternates afresh.
        if updated.namedModels != configuration.namedModels || updated.threads != configuration.threads { alternates.removeAll() }
        configuration = updated
        if reload {
            engine = nil
            engineTask?.cancel()
            engineTask = nil
            startLoadingEngine()
        }
        for uri in documents.keys { scheduleScoring(uri, debounce: false) }
    }

    func didChangeWorkspaceFolders(_ notification: DidChangeWorkspaceFoldersNotification) {
        let removed = Set(notification.event.removed.compactMap { FileURI.path(of: $0.uri) }
            .map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        workspaceFolders.removeAll { removed.contains($0) }
        for folder in notification.event.added.compactMap({ FileURI.path(of: $0.uri) }) {
            let path = URL(fileURLWithPath: folder).standardizedFileURL.path
            if !workspaceFolders.contains(path) { workspaceFolders.append(path) }
        }
        startWatching()
    }
}
