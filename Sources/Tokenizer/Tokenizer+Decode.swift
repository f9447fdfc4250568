/// Token ids back to bytes and text.
extension Tokenizer {
    /// The raw bytes of one token: byte-level texts unmapped to their bytes, SentencePiece `▁` as
    /// spaces and `<0xNN>` as its byte; control, user-defined and unknown tokens as their text
    /// (`<|im_end|>`); unused tokens and out-of-range ids empty (llama.cpp's `token_to_piece`).
    public func piece(_ token: Int32) -> [UInt8] {
        var out: [UInt8] = []
        appendPiece(token, to: &out)
        return out
    }

    /// Appends the bytes of `token` (see `piece`).
    public func appendPiece(_ token: Int32, to out: inout [UInt8]) {
        guard token >= 0, Int(token) < vocabularySize else { return }
        let attr = attributes[Int(token)]
        texts.withText(token) { text in
            if attr.isSpecial {
                out.append(contentsOf: text)
            } else if kind == .bytePair, attr.contains(.normal) || attr.contains(.byte) {
                ByteLevel.decode(text, into: &out)
            } else if attr.contains(.normal) {
                Self.unescapeSpaces(text, into: &out)
            } else if attr.contains(.byte), text.count == 6, let byte = UInt8(String(decoding: text[3 ..< 5], as: UTF8.self), radix: 16) {
                out.append(byte)
            }
        }
    }

    /// SentencePiece text with each `▁` (U+2581) turned back into a space.
    static func unescapeSpaces(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var i = 0
        while i < text.count {
            if text[i] == 0xE2, i + 2 < text.count, text[i + 1] == 0x96, text[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
    }

    /// The text of `tokens`, special tokens included as their text; bytes that do not form valid
    /// UTF-8 become U+FFFD. When the model adds a space prefix, the first token's leading space is
    /// dropped (llama.cpp's `llama_detokenize`). For incremental output use `StreamingDecoder`.
    public func decode(_ tokens: [Int32]) -> String {
        var bytes: [UInt8] = []
        for token in tokens { appendPiece(token, to: &bytes) }
        if addsSpacePrefix, let first = tokens.first, first != bosToken, bytes.first == 0x20 {
            bytes.removeFirst()
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
