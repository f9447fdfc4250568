import Support
import Testing

@Suite struct UTF8ValidationTests {
    /// Whole-buffer validity (`firstInvalid`, walking `scalarLength`) equals the standard library's:
    /// random byte strings (mostly above 0x7F, where the cases are) are valid exactly when decoding
    /// and re-encoding gives the same bytes back (about 1,700 of the 20,000 are).
    @Test func agreesWithTheStandardLibrary() {
        var generator = SplitMix64(seed: 8)
        var valid = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...6, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x80...0xF5, using: &generator)
                                               : UInt8.random(in: 0...0xFF, using: &generator)
            }
            let ours = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0) } == nil
            let standard = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            #expect(ours == standard, "\(bytes.map { String($0, radix: 16) })")
            if ours { valid += 1 }
        }
        #expect(valid > 1000, "the cases should include valid multi-byte text, not only broken bytes")
    }
}
