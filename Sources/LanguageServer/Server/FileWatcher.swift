import Foundation
import Support

/// Watches workspace folders for prompt files (`*.prompt`, `*.prompt.md`) that change on disk,
/// by polling their size and modification time on a thread of its own (not the concurrency pool).
/// Reports the paths that appeared or changed since the last look.
final class FileWatcher: @unchecked Sendable {
    private let folders: [String]
    private let interval: Duration
    private let onChange: @Sendable ([String]) -> Void
    private let stopped = Locked(false)
    private var known: [String: FileStamp] = [:]

    struct FileStamp: Equatable {
        var size: Int
        var modified: Date
    }

    init(folders: [String], interval: Duration, onChange: @escaping @Sendable ([String]) -> Void) {
        self.folders = folders
        self.interval = interval
        self.onChange = onChange
    }

    /// Takes the first inventory (reporting nothing) and starts the polling thread.
    func start() {
        known = scan()
        let thread = Thread { [self] in self.loop() }
        thread.name = "vsynth.lsp.watcher"
        thread.start()
    }

    func stop() { stopped.withLock { $0 = true } }

    private func loop() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while !stopped.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: max(0.05, seconds))
            if stopped.withLock({ $0 }) { return }
            let now = scan()
            let changed = now.filter { known[$0.key] != $0.value }.map(\.key).sorted()
            known = now
            if !changed.isEmpty { onChange(changed) }
        }
    }

    /// Every prompt file under the folders (symbolic links are not followed), with its stamp.
    private func scan() -> [String: FileStamp] {
        var result: [String: FileStamp] = [:]
        let manager = FileManager.default
        for folder in folders {
            guard let enumerator = manager.enumerator(at: URL(fileURLWithPath: folder),
                                                      includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey, .isSymbolicLinkKey],
                                                      options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in enumerator where FileURI.isPromptFile(url.path) {
                guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey, .isSymbolicLinkKey]),
                      values.isRegularFile == true, values.isSymbolicLink != true else { continue }
                result[url.path] = FileStamp(size: values.fileSize ?? 0, modified: values.contentModificationDate ?? .distantPast)
            }
        }
        return result
    }
}
