/// A cursor over the file's bytes that checks every read against the end of the file and reports
/// the offset of the first read that does not fit. Little-endian, unaligned loads.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    /// Throws `truncated` unless `count` more bytes are available.
    @inline(__always)
    func require(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= bytes.count - position else {
            throw .truncated(what: what(), offset: position, needed: count, available: bytes.count - position)
        }
    }

    /// A little-endian integer of type `T` (GGUF stores every integer little-endian).
    @inline(__always)
    mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        position += MemoryLayout<T>.size
        return v
    }

    @inline(__always)
    mutating func readUInt32(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt32 {
        try readInteger(UInt32.self, what())
    }

    @inline(__always)
    mutating func readUInt64(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt64 {
        try readInteger(UInt64.self, what())
    }

    /// Reads `count` raw bytes (already checked or checked here) without copying.
    @inline(__always)
    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        try require(count, what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + count])
        position += count
        return slice
    }

    /// Reads a GGUF string (uint64 length + bytes) as raw bytes; the length is checked against the
    /// rest of the file before anything is read.
    mutating func readStringBytes(_ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let start = position
        let length = try readUInt64("length of \(what())")
        guard length <= UInt64(remaining) else {
            position = start
            throw .truncated(what: what(), offset: start + 8, needed: Int(clamping: length), available: remaining)
        }
        return try readBytes(Int(length), what())
    }

    /// Reads a GGUF string decoded as UTF-8 (invalid sequences repaired).
    mutating func readString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        String(decoding: try readStringBytes(what()), as: UTF8.self)
    }
}
