#if os(Linux)
import Foundation
import Glibc
import Support

/// Linux file watching with inotify: one watch per directory under the workspace folders (new
/// directories are watched as they appear), events read on a thread of its own that polls the
/// descriptor every 200 ms so that `stop()` ends it. Reports prompt files written, created or
/// moved in. Symbolic links are never followed.
final class InotifyWatcher: @unchecked Sendable {
    private let folders: [String]
    private let onChange: @Sendable ([String]) -> Void
    private let stopped = Locked(false)
    private var descriptor: Int32 = -1
    /// Watch descriptor → directory path.
    private var directories: [Int32: String] = [:]

    init?(folders: [String], onChange: @escaping @Sendable ([String]) -> Void) {
        self.folders = folders
        self.onChange = onChange
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { return nil }
    }

    static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF) | UInt32(IN_DONT_FOLLOW)

    func start() {
        for folder in folders { watchTree(folder) }
        let thread = Thread { [self] in self.loop() }
        thread.name = "vsynth.lsp.inotify"
        thread.start()
    }

    func stop() { stopped.withLock { $0 = true } }

    /// Watches `directory` and every directory below it (not through links).
    private func watchTree(_ directory: String) {
        let wd = inotify_add_watch(descriptor, directory, Self.mask | UInt32(IN_ONLYDIR))
        guard wd >= 0 else { return }
        directories[wd] = directory
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where !entry.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(entry)
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { watchTree(path) }
        }
    }

    private func loop() {
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !stopped.withLock({ $0 }) {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 200) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var changed: [String] = []
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    return (wd, mask, Int(length))
                }
                let nameStart = offset + headerSize
                let nameEnd = min(count, nameStart + length)
                let nameBytes = buffer[nameStart..<nameEnd].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset = nameEnd
                guard let directory = directories[wd], !name.isEmpty else { continue }
                let path = (directory as NSString).appendingPathComponent(name)
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { watchTree(path) }
                } else if FileURI.isPromptFile(path), mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                    changed.append(path)
                }
            }
            if !changed.isEmpty { onChange(Array(Set(changed)).sorted()) }
        }
    }
}
#endif
