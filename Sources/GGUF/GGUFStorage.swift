#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file: a read-only memory mapping of the file (weights are never copied),
/// or an owned in-memory copy for synthetic files in tests. Unmapped or freed on deinit.
final class GGUFStorage: @unchecked Sendable {
    /// Start of the bytes; nil only when `count` is 0.
    let base: UnsafeRawPointer?
    let count: Int
    let isMapped: Bool

    /// Maps the file at `path` read-only.
    init(path: String) throws(GGUFError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)), offset: 0)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)), offset: 0)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file", offset: 0)
        }
        let size = Int(info.st_size)
        count = size
        isMapped = size > 0
        guard size > 0 else { base = nil; return }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))", offset: 0)
        }
        base = UnsafeRawPointer(mapped)
    }

    /// Copies `bytes` into memory owned by this storage.
    init(bytes: [UInt8]) {
        count = bytes.count
        isMapped = false
        guard !bytes.isEmpty else { base = nil; return }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        base = UnsafeRawPointer(memory)
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            base.deallocate()
        }
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
