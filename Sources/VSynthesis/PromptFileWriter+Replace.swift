import Foundation

extension PromptFileWriter {
    /// The names of `name`'s temporary files start with this; the writer's pid and a random number follow.
    static func temporaryPrefix(_ name: String) -> String { ".\(name).vsynth-" }

    /// Replaces the file by a new one with the new bytes, atomically, so a reader sees the old file or
    /// the new one, never half of one, and a kill leaves the original untouched.
    ///
    /// The new file is created beside the original with `O_EXCL` and only the owner bits the
    /// original has, given the original's owner and group, then its mode, then the bytes, then synced.
    /// The file is compared once more, and the two are exchanged (`AtomicExchange`) instead of renamed:
    /// the file swapped out is still there, so an edit that slipped in after the comparison (an editor
    /// writing through a descriptor it held, or renaming its own new version into place) is seen, and
    /// the swap is undone. Where the system cannot exchange, a rename follows the last comparison.
    ///
    /// Returns false, having changed nothing, when the new file cannot have the original's owner (a
    /// user writing someone else's file) or the directory is not writable: then the file is written in place.
    static func replace(_ job: Job, hook: (Step) -> Void) throws(VSynthesisError) -> Bool {
        let directory: OpenFile
        do throws(SystemCallError) {
            directory = try OpenFile(job.directory, flags: O_RDONLY | O_DIRECTORY)
        } catch {
            throw .fileNotWritten(path: job.path, message: "cannot open its directory \(job.directory) (\(error.reason))")
        }
        let temporary = temporaryPrefix(job.name) + "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let mode = job.original.st_mode & 0o7777
        let file: OpenFile
        do throws(SystemCallError) {
            file = try OpenFile(temporary, in: directory.descriptor, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode & 0o600)
        } catch where error.code == EACCES || error.code == EPERM {
            return false
        } catch {
            throw .fileNotWritten(path: job.path, message: "cannot create a temporary file in \(job.directory) (\(error.reason))")
        }
        // Whether the temporary name must survive the write: only when it holds someone else's edit.
        var keep = false
        defer { if !keep { unlinkat(directory.descriptor, temporary, 0) } }
        hook(.temporaryCreated)
        // Owner before mode: chown clears the setuid and setgid bits.
        do throws(SystemCallError) {
            try file.changeOwner(user: job.original.st_uid, group: job.original.st_gid)
        } catch {
            return false
        }
        do throws(SystemCallError) {
            try file.changeMode(mode)
            try file.write(job.newBytes)
            // A write by an unprivileged process clears the setuid and setgid bits: set them again.
            if mode & (S_ISUID | S_ISGID) != 0 { try file.changeMode(mode) }
            hook(.temporaryWritten)
            try file.sync()
            hook(.synced)
        } catch {
            throw .fileNotWritten(path: job.path, message: "cannot write a temporary file in \(job.directory) (\(error.reason))")
        }
        guard currentBytes(job) == job.oldBytes else {
            throw .fileChanged(path: job.path, message: "it changed on disk while it was being written; nothing was written")
        }
        hook(.beforeSwap)
        switch AtomicExchange.exchange(temporary, job.name, in: directory.descriptor) {
        case .exchanged:
            hook(.swapped)
            // The temporary name now holds what was at the file's name a moment ago.
            let swappedOut = try? OpenFile(temporary, in: directory.descriptor, flags: O_RDONLY | O_NOFOLLOW).readAll()
            if swappedOut != job.oldBytes {
                guard case .exchanged = AtomicExchange.exchange(temporary, job.name, in: directory.descriptor) else {
                    // Kept under a name that stale-temporary cleaning never removes.
                    keep = true
                    let kept = job.name + ".vsynth-changed-\(getpid())"
                    let name = renameat(directory.descriptor, temporary, directory.descriptor, kept) == 0 ? kept : temporary
                    throw .fileChanged(path: job.path, message: "it changed on disk while it was being written, and the new "
                                       + "version could not be swapped out again: the changed file is \(job.directory)/\(name)")
                }
                throw .fileChanged(path: job.path, message: "it changed on disk while it was being written; nothing was written")
            }
        case .unsupported:
            guard renameat(directory.descriptor, temporary, directory.descriptor, job.name) == 0 else {
                throw .fileNotWritten(path: job.path, message: "cannot replace it (\(SystemCallError("rename").reason))")
            }
            hook(.swapped)
        case let .failed(error):
            throw .fileNotWritten(path: job.path, message: "cannot replace it (\(error.reason))")
        }
        try? directory.sync()
        return true
    }
}
