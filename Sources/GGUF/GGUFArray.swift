/// A metadata array, stored compactly: numbers as their raw little-endian bytes, strings as one
/// byte buffer plus end offsets, so a 49152-entry vocabulary is two allocations rather than 49152
/// `String`s. Elements are decoded on access.
public struct GGUFArray: Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        /// `count * elementType.fixedSize!` bytes, little-endian, as in the file.
        case scalars([UInt8])
        /// String `i` is `bytes[ends[i - 1] ..< ends[i]]` (with `ends[-1]` taken as 0).
        case strings(bytes: [UInt8], ends: [Int])
        /// Nested arrays (GGUF allows arrays of arrays).
        case arrays([GGUFArray])
    }

    /// The type of every element (`.array` for nested arrays).
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    let storage: Storage

    init(elementType: GGUFValueType, count: Int, storage: Storage) {
        self.elementType = elementType
        self.count = count
        self.storage = storage
    }

    /// Element `index` as a value, or nil when `index` is out of range.
    public subscript(index: Int) -> GGUFValue? {
        guard index >= 0, index < count else { return nil }
        switch storage {
        case .arrays(let arrays):
            return .array(arrays[index])
        case .strings:
            return string(at: index).map(GGUFValue.string)
        case .scalars(let bytes):
            return bytes.withUnsafeBytes { raw in Self.scalar(elementType, raw, index) }
        }
    }

    /// String element `index` (invalid UTF-8 repaired), or nil when not a string array or out of range.
    public func string(at index: Int) -> String? {
        withStringBytes(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the raw bytes of string element `index`; nil when not a string array or out of range.
    public func withStringBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard case .strings(let bytes, let ends) = storage, index >= 0, index < count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[start ..< ends[index]]))
        }
    }

    /// Calls `body` with all string bytes and the end offset of each string (string `i` spans
    /// `ends[i - 1] ..< ends[i]`, the first starts at 0): the zero-copy path for big vocabularies.
    /// Nil when this is not a string array.
    public func withStringStorage<R>(
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int>) throws -> R
    ) rethrows -> R? {
        guard case .strings(let bytes, let ends) = storage else { return nil }
        return try bytes.withUnsafeBufferPointer { b in try ends.withUnsafeBufferPointer { e in try body(b, e) } }
    }

    /// All elements as strings, or nil when this is not a string array.
    public var strings: [String]? {
        withStringStorage { bytes, ends in
            var result: [String] = []
            result.reserveCapacity(count)
            var start = 0
            for end in ends {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< end]), as: UTF8.self))
                start = end
            }
            return result
        }
    }

    /// All elements as Ints, or nil unless this is an array of an integer type (uint64 beyond
    /// `Int.max` gives nil too).
    public var ints: [Int]? {
        guard case .scalars(let bytes) = storage else { return nil }
        switch elementType {
        case .float32, .float64, .bool: return nil
        default: break
        }
        return bytes.withUnsafeBytes { raw -> [Int]? in
            var result = [Int]()
            result.reserveCapacity(count)
            for i in 0 ..< count {
                guard let v = Self.scalar(elementType, raw, i)?.intValue else { return nil }
                result.append(v)
            }
            return result
        }
    }

    /// All elements as Floats, or nil unless this is an array of numbers (floats or integers).
    public var floats: [Float]? {
        guard case .scalars(let bytes) = storage, elementType != .bool else { return nil }
        if elementType == .float32 {
            return bytes.withUnsafeBytes { raw in
                (0 ..< count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        }
        return bytes.withUnsafeBytes { raw in
            (0 ..< count).map { Float(Self.scalar(elementType, raw, $0)?.doubleValue ?? 0) }
        }
    }

    /// All elements as Bools, or nil unless this is a bool array.
    public var bools: [Bool]? {
        guard case .scalars(let bytes) = storage, elementType == .bool else { return nil }
        return bytes.map { $0 != 0 }
    }

    /// The nested arrays, or nil unless this is an array of arrays.
    public var arrays: [GGUFArray]? {
        if case .arrays(let arrays) = storage { return arrays }
        return nil
    }

    /// Decodes scalar element `index` of `type` from little-endian `raw`.
    static func scalar(_ type: GGUFValueType, _ raw: UnsafeRawBufferPointer, _ index: Int) -> GGUFValue? {
        guard let size = type.fixedSize else { return nil }
        let at = index * size
        switch type {
        case .uint8: return .uint8(raw[at])
        case .int8: return .int8(Int8(bitPattern: raw[at]))
        case .bool: return .bool(raw[at] != 0)
        case .uint16: return .uint16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        case .int16: return .int16(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
        case .uint32: return .uint32(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        case .int32: return .int32(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        case .float32:
            return .float32(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
        case .uint64: return .uint64(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        case .int64: return .int64(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
        case .float64:
            return .float64(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
        case .string, .array: return nil
        }
    }
}
