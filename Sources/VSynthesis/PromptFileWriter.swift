import Foundation

/// Writes a new version of a prompt file without losing anyone's edit and without changing what
/// the file is. The one writer behind `vsynth synthesize --write`, the batch run and the language
/// server's refresh on save.
///
/// - Only if the file still holds the bytes the new version was computed from: checked when the
///   write starts, again at the last moment, and by the swap itself (`PromptFileWriter+Replace`).
/// - Through symbolic links: the link's target gets the new bytes, the link stays a link.
/// - Keeping mode, owner and group, and hard links: a file with several links, or whose owner the
///   writer cannot give to a new file, is rewritten in place (`PromptFileWriter+InPlace`), as editors do.
/// - A read-only file (no write bit at all) is refused unless `force` is set.
/// - Temporary files (`.NAME.vsynth-PID-RANDOM`, beside the file) are never readable by anyone the
///   original does not allow; ones left by a killed writer are removed by the next write.
public enum PromptFileWriter {
    /// The steps of a write, in order. Tests inject an edit at each one (`write(…, hook:)`) to show that
    /// no edit made during a write is lost.
    enum Step: String, CaseIterable, Sendable {
        /// The file was read and holds the expected bytes.
        case checked
        /// The temporary file exists (replacing only), before its owner and mode are set.
        case temporaryCreated
        /// The temporary file holds the new bytes, with the original's owner and mode.
        case temporaryWritten
        /// The temporary file has reached the disk.
        case synced
        /// The file was compared again; the next call swaps the files (or, in place, writes).
        case beforeSwap
        /// The new bytes are in place; what was swapped out is not yet compared.
        case swapped
    }

    /// What one write works on.
    struct Job {
        /// The path as the caller gave it, for messages.
        var path: String
        /// `path` with every symbolic link resolved: the file that is written.
        var target: String
        var original: stat
        var oldBytes: [UInt8]
        var newBytes: [UInt8]
        var directory: String { (target as NSString).deletingLastPathComponent }
        var name: String { (target as NSString).lastPathComponent }
    }

    /// Writes `newBytes` to `path` if it still holds `oldBytes`; throws `fileChanged` when it does not
    /// (before or during the write), `fileReadOnly` for a file with no write permission at all unless
    /// `force`, and `fileNotWritten` when the system refuses.
    public static func write(_ newBytes: [UInt8], to path: String, expecting oldBytes: [UInt8], force: Bool = false) throws(VSynthesisError) {
        try write(newBytes, to: path, expecting: oldBytes, force: force) { _ in }
    }

    /// `write`, calling `hook` after each step (tests).
    static func write(_ newBytes: [UInt8], to path: String, expecting oldBytes: [UInt8], force: Bool,
                      hook: (Step) -> Void) throws(VSynthesisError) {
        let target: String
        do throws(SystemCallError) {
            target = try realPath(path)
        } catch {
            throw .fileChanged(path: path, message: "it can no longer be read (\(error.reason))")
        }
        removeStaleTemporaries(of: target)
        let original: stat
        let current: [UInt8]
        do throws(SystemCallError) {
            let file = try OpenFile(target, flags: O_RDONLY)
            original = try file.status()
            current = try file.readAll()
        } catch {
            throw .fileChanged(path: path, message: "it can no longer be read (\(error.reason))")
        }
        guard original.st_mode & S_IFMT == S_IFREG else {
            throw .fileNotWritten(path: path, message: "it is not a regular file")
        }
        guard current == oldBytes else {
            throw .fileChanged(path: path, message: "it changed on disk since it was read; nothing was written")
        }
        let mode = Int(original.st_mode & 0o7777)
        if mode & 0o222 == 0, !force { throw .fileReadOnly(path: path, mode: mode) }
        let job = Job(path: path, target: target, original: original, oldBytes: oldBytes, newBytes: newBytes)
        hook(.checked)
        if original.st_nlink > 1 {
            try writeInPlace(job, hook: hook)
        } else if try !replace(job, hook: hook) {
            try writeInPlace(job, hook: hook)
        }
    }

    /// `path` made absolute with every symbolic link resolved (`realpath(3)`).
    static func realPath(_ path: String) throws(SystemCallError) -> String {
        guard let resolved = realpath(path, nil) else { throw SystemCallError("realpath") }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file at `job.target` now, read whole; nil when it cannot be read.
    static func currentBytes(_ job: Job) -> [UInt8]? {
        try? OpenFile(job.target, flags: O_RDONLY).readAll()
    }
}
