/// Everything that can be wrong with a GGUF file. Every case carries the byte offset in the file
/// where the problem was found, so a message points at the exact spot (`gguf: … at offset 1234`).
public enum GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped (offset is always 0).
    case unreadable(path: String, reason: String, offset: Int)
    /// The first four bytes are not "GGUF".
    case badMagic(found: UInt32, offset: Int)
    /// A version other than 2 or 3 (1 is obsolete; a byte-swapped number means a big-endian file).
    case unsupportedVersion(UInt32, offset: Int)
    /// The file ends inside `what`: `needed` bytes were wanted at `offset`, only `available` remain.
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// A count or length larger than the rest of the file could possibly hold.
    case absurdCount(what: String, count: UInt64, offset: Int)
    /// A metadata value type number that GGUF does not define.
    case invalidValueType(key: String, type: UInt32, offset: Int)
    /// Arrays nested deeper than the reader accepts.
    case nestingTooDeep(key: String, offset: Int)
    /// A key that is empty or appears twice.
    case invalidKey(key: String, reason: String, offset: Int)
    /// A well-known key with the wrong type or an impossible value (e.g. `general.alignment`).
    case invalidMetadata(key: String, reason: String, offset: Int)
    /// A tensor info that cannot describe a real tensor (dimensions, name, size).
    case invalidTensor(name: String, reason: String, offset: Int)
    /// A tensor element type number that ggml does not define (or has retired).
    case unknownTensorType(name: String, type: UInt32, offset: Int)
    /// A tensor whose data lies (partly) outside the file, or is not aligned.
    case tensorOutOfBounds(name: String, offset: Int, byteCount: Int, fileSize: Int)

    /// The byte offset in the file where the problem was found.
    public var offset: Int {
        switch self {
        case .unreadable(_, _, let offset), .badMagic(_, let offset), .unsupportedVersion(_, let offset),
             .truncated(_, let offset, _, _), .absurdCount(_, _, let offset),
             .invalidValueType(_, _, let offset), .nestingTooDeep(_, let offset),
             .invalidKey(_, _, let offset), .invalidMetadata(_, _, let offset),
             .invalidTensor(_, _, let offset), .unknownTensorType(_, _, let offset),
             .tensorOutOfBounds(_, let offset, _, _):
            return offset
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason, _):
            return "gguf: cannot read \(path): \(reason)"
        case .badMagic(let found, let offset):
            let hex = String(found, radix: 16)
            return "gguf: bad magic 0x\(hex) at offset \(offset) (not a gguf file)"
        case .unsupportedVersion(let version, let offset):
            let hint = version & 0xFFFF == 0 ? " (big-endian file?)" : ""
            return "gguf: unsupported version \(version)\(hint) at offset \(offset); only 2 and 3 are read"
        case .truncated(let what, let offset, let needed, let available):
            return "gguf: truncated \(what) at offset \(offset) (needs \(needed) bytes, \(available) left)"
        case .absurdCount(let what, let count, let offset):
            return "gguf: absurd \(what) \(count) at offset \(offset) (larger than the rest of the file)"
        case .invalidValueType(let key, let type, let offset):
            return "gguf: invalid value type \(type) for key '\(key)' at offset \(offset)"
        case .nestingTooDeep(let key, let offset):
            return "gguf: arrays nested too deep in key '\(key)' at offset \(offset)"
        case .invalidKey(let key, let reason, let offset):
            return "gguf: invalid key '\(key)' at offset \(offset): \(reason)"
        case .invalidMetadata(let key, let reason, let offset):
            return "gguf: invalid metadata '\(key)' at offset \(offset): \(reason)"
        case .invalidTensor(let name, let reason, let offset):
            return "gguf: invalid tensor '\(name)' at offset \(offset): \(reason)"
        case .unknownTensorType(let name, let type, let offset):
            return "gguf: unknown tensor type \(type) for tensor '\(name)' at offset \(offset)"
        case .tensorOutOfBounds(let name, let offset, let byteCount, let fileSize):
            return "gguf: tensor '\(name)' data at offset \(offset) (\(byteCount) bytes) lies outside the file (\(fileSize) bytes)"
        }
    }
}
