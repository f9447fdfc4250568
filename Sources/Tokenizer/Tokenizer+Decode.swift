/// Token ids back to bytes and text.
extension Tokenizer {
    /// The raw bytes of one token: byte-level texts unmapped to their bytes; control, user-defined
    /// and unknown tokens as their text (`<|im_end|>`); unused tokens and out-of-range ids empty.
    public func piece(_ token: Int32) -> [UInt8] {
        var out: [UInt8] = []
        appendPiece(token, to: &out)
        return out
    }

    /// Appends the bytes of `token` (see `piece`).
    public func appendPiece(_ token: Int32, to out: inout [UInt8]) {
        guard token >= 0, Int(token) < vocabularySize else { return }
        let attr = attributes[Int(token)]
        encoder.texts.withText(token) { text in
            if attr.isSpecial {
                out.append(contentsOf: text)
            } else if attr.contains(.normal) || attr.contains(.byte) {
                ByteLevel.decode(text, into: &out)
            }
        }
    }

    /// The text of `tokens`, special tokens included as their text; bytes that do not form valid
    /// UTF-8 become U+FFFD. For incremental output use `StreamingDecoder`.
    public func decode(_ tokens: [Int32]) -> String {
        var bytes: [UInt8] = []
        for token in tokens { appendPiece(token, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
