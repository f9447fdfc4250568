import Support

/// Checks that a file is text before anything reads it: strict UTF-8 (no overlong forms,
/// surrogates or code points past U+10FFFF) and no control characters but tab, LF, VT, FF, CR.
enum UTF8Check {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether the bytes look like UTF-16 (true: big-endian): a UTF-16 byte-order mark, or NUL in
    /// every other byte of the first few characters (ASCII text saved as UTF-16 without a mark).
    /// Caught before the UTF-8 check, whose message ("invalid utf-8 at byte 0") would not say why.
    static func utf16(_ bytes: [UInt8]) -> Bool? {
        if bytes.starts(with: [0xFE, 0xFF]) { return true }
        if bytes.starts(with: [0xFF, 0xFE]) { return false }
        let pairs = min(bytes.count / 2, 8)
        guard pairs >= 2 else { return nil }
        let head = bytes.prefix(pairs * 2)
        let evens = stride(from: 0, to: head.count, by: 2).map { head[$0] }
        let odds = stride(from: 1, to: head.count, by: 2).map { head[$0] }
        if evens.allSatisfy({ $0 == 0 }), odds.allSatisfy({ $0 != 0 }) { return true }
        if odds.allSatisfy({ $0 == 0 }), evens.allSatisfy({ $0 != 0 }) { return false }
        return nil
    }

    /// The offset of the first byte of the first invalid sequence, or nil.
    static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0) }
    }

    /// The offset of the first control character a text file does not hold, or nil.
    static func firstControl(_ bytes: [UInt8]) -> Int? {
        bytes.firstIndex { $0 < 0x20 ? !(0x09...0x0D).contains($0) : $0 == 0x7F }
    }
}
