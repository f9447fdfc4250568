/// GPT-2's byte-level alphabet: every byte is shown as a printable code point, so a vocabulary of
/// strings can hold arbitrary bytes. Printable bytes stand for themselves; the other 68 take the
/// code points 256, 257, … in byte order (`bytes_to_unicode` in GPT-2, `unicode_byte_to_utf8` in llama.cpp).
enum ByteLevel {
    /// Code point standing for each byte.
    static let codePointOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0 ..< 256 {
            if (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// UTF-8 of the code point standing for each byte: `utf8[2 * byte ..< 2 * byte + utf8Length[byte]]`.
    static let mappedUTF8: (bytes: [UInt8], lengths: [UInt8]) = {
        var bytes = [UInt8](repeating: 0, count: 512)
        var lengths = [UInt8](repeating: 0, count: 256)
        for byte in 0 ..< 256 {
            let cp = codePointOfByte[byte]
            if cp < 0x80 {
                bytes[2 * byte] = UInt8(cp)
                lengths[byte] = 1
            } else {
                bytes[2 * byte] = UInt8(0xC0 | (cp >> 6))
                bytes[2 * byte + 1] = UInt8(0x80 | (cp & 0x3F))
                lengths[byte] = 2
            }
        }
        return (bytes, lengths)
    }()

    /// The byte a code point stands for, or -1 (indexes up to 0x143, the largest mapped code point).
    static let byteOfCodePoint: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for byte in 0 ..< 256 { table[Int(codePointOfByte[byte])] = Int16(byte) }
        return table
    }()

    /// Undoes the mapping on a vocabulary string: each code point back to its byte. A code point
    /// outside the alphabet (not produced by a byte-level vocabulary) is kept as its UTF-8.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var i = 0
        let n = text.count
        while i < n {
            let b0 = text[i]
            var cp = UInt32(b0)
            var length = 1
            if b0 >= 0xC0, b0 < 0xE0, i + 1 < n {
                cp = (UInt32(b0 & 0x1F) << 6) | UInt32(text[i + 1] & 0x3F)
                length = 2
            } else if b0 >= 0xE0 {
                length = b0 >= 0xF0 ? 4 : 3
                length = min(length, n - i)
            }
            if length <= 2, cp < 0x144, byteOfCodePoint[Int(cp)] >= 0 {
                out.append(UInt8(byteOfCodePoint[Int(cp)]))
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i ..< i + length]))
            }
            i += length
        }
    }
}
