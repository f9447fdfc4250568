#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed: its name and `errno`, so a message can say why.
struct SystemCallError: Error {
    var call: String
    var code: Int32

    init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    /// The reason as the system words it (`Permission denied`).
    var reason: String { String(cString: strerror(code)) }
}

/// An open file descriptor, closed when the object goes away. Reads and writes go through
/// `pread`/`pwrite` at explicit offsets, retried on `EINTR` and short counts, so the writer never
/// depends on a shared file position.
final class OpenFile {
    let descriptor: Int32

    /// Opens `path` (relative to the directory `directory` when it is not absolute) with `open(2)` flags;
    /// `O_CLOEXEC` is always added. `mode` applies only when `flags` create the file.
    init(_ path: String, in directory: Int32 = AT_FDCWD, flags: Int32, mode: mode_t = 0) throws(SystemCallError) {
        let descriptor = openat(directory, path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SystemCallError("open") }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// `fstat(2)`.
    func status() throws(SystemCallError) -> stat {
        var result = stat()
        guard fstat(descriptor, &result) == 0 else { throw SystemCallError("fstat") }
        return result
    }

    /// Every byte of the file, read from offset 0 to its end.
    func readAll() throws(SystemCallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(bytes.count)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw SystemCallError("read") }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int = 0) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw SystemCallError("write", code: count == 0 ? EIO : errno) }
            done += count
        }
    }

    /// `ftruncate(2)`.
    func truncate(to length: Int) throws(SystemCallError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw SystemCallError("ftruncate") }
    }

    /// `fsync(2)`: the data (and, for a directory, its entries) reach the disk.
    func sync() throws(SystemCallError) {
        guard fsync(descriptor) == 0 else { throw SystemCallError("fsync") }
    }

    /// `fchown(2)`.
    func changeOwner(user: uid_t, group: gid_t) throws(SystemCallError) {
        guard fchown(descriptor, user, group) == 0 else { throw SystemCallError("fchown") }
    }

    /// `fchmod(2)`; `mode` keeps its setuid, setgid and sticky bits.
    func changeMode(_ mode: mode_t) throws(SystemCallError) {
        guard fchmod(descriptor, mode) == 0 else { throw SystemCallError("fchmod") }
    }
}
