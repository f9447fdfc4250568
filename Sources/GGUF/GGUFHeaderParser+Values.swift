/// Reading metadata values: scalars, strings, and (nested) arrays stored compactly.
extension GGUFHeaderParser {
    /// Reads a type tag and the value that follows it.
    mutating func readValue(key: String, depth: Int) throws(GGUFError) -> GGUFValue {
        let typeOffset = reader.position
        let rawType = try reader.readUInt32("value type of key '\(key)'")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .invalidValueType(key: key, type: rawType, offset: typeOffset)
        }
        switch type {
        case .string:
            return .string(try reader.readString("value of key '\(key)'"))
        case .array:
            return .array(try readArray(key: key, depth: depth + 1))
        default:
            let raw = try reader.readBytes(type.fixedSize ?? 0, "value of key '\(key)'")
            // Fixed-size scalar of a known type: decoding cannot fail.
            return GGUFArray.scalar(type, raw, 0) ?? .uint8(0)
        }
    }

    /// Reads an array body: element type, count, elements.
    mutating func readArray(key: String, depth: Int) throws(GGUFError) -> GGUFArray {
        let start = reader.position
        guard depth <= Self.maximumNesting else { throw .nestingTooDeep(key: key, offset: start) }
        let rawType = try reader.readUInt32("array element type of key '\(key)'")
        guard let elementType = GGUFValueType(rawValue: rawType) else {
            throw .invalidValueType(key: key, type: rawType, offset: start)
        }
        let countOffset = reader.position
        let rawCount = try reader.readUInt64("array length of key '\(key)'")
        guard rawCount <= UInt64(reader.remaining / elementType.minimumSize) else {
            throw .absurdCount(what: "array length of key '\(key)'", count: rawCount, offset: countOffset)
        }
        let count = Int(rawCount)
        switch elementType {
        case .string:
            return try readStringArray(key: key, count: count)
        case .array:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(min(count, 1 << 16))
            for _ in 0 ..< count { arrays.append(try readArray(key: key, depth: depth + 1)) }
            return GGUFArray(elementType: .array, count: count, storage: .arrays(arrays))
        default:
            let raw = try reader.readBytes(count * (elementType.fixedSize ?? 1), "array of key '\(key)'")
            return GGUFArray(elementType: elementType, count: count, storage: .scalars(Array(raw.bindMemory(to: UInt8.self))))
        }
    }

    /// Reads `count` strings into one byte buffer: a first pass validates every length against the
    /// end of the file and records where each string ends, a second copies the bytes.
    private mutating func readStringArray(key: String, count: Int) throws(GGUFError) -> GGUFArray {
        let bytes = reader.bytes
        var position = reader.position
        var ends = [Int]()
        ends.reserveCapacity(min(count, 1 << 20))
        var total = 0
        for index in 0 ..< count {
            let next = try stringElementEnd(at: position, index: index, key: key)
            total += next - position - 8
            ends.append(total)
            position = next
        }
        let storage = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let out = buffer.baseAddress, let base = bytes.baseAddress else { initialized = 0; return }
            var from = reader.position
            var to = 0
            for stringEnd in ends {
                let length = stringEnd - to
                UnsafeMutableRawPointer(out + to).copyMemory(from: base + from + 8, byteCount: length)
                from += 8 + length
                to = stringEnd
            }
            initialized = total
        }
        reader.position = position
        return GGUFArray(elementType: .string, count: count, storage: .strings(bytes: storage, ends: ends))
    }

    /// Checks string element `index` of an array at `position` (uint64 length, then the bytes)
    /// against the end of the file and returns the position after it. The one per-element step of
    /// `readStringArray`, kept separate so tests can truncate inside every element cheaply.
    @inline(__always)
    func stringElementEnd(at position: Int, index: Int, key: String) throws(GGUFError) -> Int {
        let bytes = reader.bytes
        let end = bytes.count
        guard position <= end, end - position >= 8 else {
            throw .truncated(what: "length of string \(index) of key '\(key)'", offset: position,
                             needed: 8, available: max(0, end - position))
        }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        guard length <= UInt64(end - position - 8) else {
            throw .truncated(what: "string \(index) of key '\(key)'", offset: position + 8,
                             needed: Int(clamping: length), available: end - position - 8)
        }
        return position + 8 + Int(length)
    }
}
