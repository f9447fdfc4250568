#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SHA256 {
    /// The SHA-256 of the file at `path` as 64 lowercase hex digits, read in 4 MiB chunks so a
    /// large model file is never held in memory. `progress` gets the bytes hashed so far.
    public static func hexOfFile(atPath path: String,
                                 progress: ((Int) -> Void)? = nil) throws(CLIError) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var total = 0
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += count
            progress?(total)
        }
        return hexString(hasher.finalize())
    }
}
