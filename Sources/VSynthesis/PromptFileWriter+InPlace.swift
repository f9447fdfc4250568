import Foundation

extension PromptFileWriter {
    /// Rewrites the file's own inode, as editors do for such files: every hard link sees the new bytes,
    /// and owner, group, mode, ACLs and extended attributes stay as they are. Used when a replacement
    /// could not keep them (several links, someone else's file).
    ///
    /// Compared on the open descriptor right before writing and verified afterwards (the bytes read
    /// back, and the name still naming this file). Not atomic: an edit made between that last read
    /// and the write, two system calls apart, is overwritten, and a kill during the write leaves the
    /// file partly written; replacing (the common case) has neither gap.
    static func writeInPlace(_ job: Job, hook: (Step) -> Void) throws(VSynthesisError) {
        let file: OpenFile
        do throws(SystemCallError) {
            file = try OpenFile(job.target, flags: O_RDWR | O_NOFOLLOW)
        } catch {
            throw .fileNotWritten(path: job.path, message: "cannot open it for writing (\(error.reason))")
        }
        let unchanged: Bool
        do throws(SystemCallError) {
            let status = try file.status()
            let bytes = try file.readAll()
            unchanged = status.st_dev == job.original.st_dev && status.st_ino == job.original.st_ino && bytes == job.oldBytes
        } catch {
            throw .fileNotWritten(path: job.path, message: "cannot read it back (\(error.reason))")
        }
        guard unchanged else {
            throw .fileChanged(path: job.path, message: "it changed on disk while it was being written; nothing was written")
        }
        hook(.beforeSwap)
        let written: [UInt8]
        do throws(SystemCallError) {
            try file.write(job.newBytes)
            try file.truncate(to: job.newBytes.count)
            // A write by an unprivileged process clears the setuid and setgid bits: set them again where
            // the writer may (it owns the file).
            let mode = job.original.st_mode & 0o7777
            if mode & (S_ISUID | S_ISGID) != 0 { try? file.changeMode(mode) }
            try file.sync()
            written = try file.readAll()
        } catch {
            throw .fileNotWritten(path: job.path, message: "writing it in place failed (\(error.reason)); check its content")
        }
        var now = stat()
        let stillNamed = stat(job.target, &now) == 0 && now.st_dev == job.original.st_dev && now.st_ino == job.original.st_ino
        guard written == job.newBytes, stillNamed else {
            throw .fileChanged(path: job.path, message: "it changed on disk while it was being written in place; check its content")
        }
        hook(.swapped)
    }
}
