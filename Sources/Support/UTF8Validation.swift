/// Well-formed UTF-8 as Unicode defines it (Table 3-7, "Well-Formed UTF-8 Byte Sequences"): the one
/// check behind the JSON-RPC parser's strings and the prompt files' text check.
public enum UTF8Validation {
    /// The length (1–4) of the well-formed scalar starting at `index`, or 0 when the bytes there are
    /// not well-formed UTF-8: a stray continuation byte, an overlong form, an encoded surrogate, a
    /// value above U+10FFFF, or a sequence cut short by the end of `bytes`.
    @inlinable
    public static func scalarLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return 0
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        var k = 2
        while k < length {
            guard (0x80...0xBF).contains(bytes[index + k]) else { return 0 }
            k += 1
        }
        return length
    }

    /// The offset of the first byte of the first ill-formed sequence in `bytes`, or nil when all of
    /// it is well-formed UTF-8.
    @inlinable
    public static func firstInvalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            let length = scalarLength(bytes, at: index)
            if length == 0 { return index }
            index += length
        }
        return nil
    }
}
