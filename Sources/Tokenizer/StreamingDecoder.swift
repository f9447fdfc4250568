/// Decodes tokens one at a time for streaming output. A character split across tokens (emoji,
/// CJK, accented letters under byte-level BPE) is held back until its last byte arrives, so no
/// U+FFFD appears mid-stream; `flush` releases whatever is left.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The text completed by `token` (possibly empty).
    public mutating func append(_ token: Int32) -> String {
        tokenizer.appendPiece(token, to: &pending)
        let keep = Self.incompleteSuffixLength(pending)
        guard pending.count > keep else { return "" }
        let text = String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return text
    }

    /// Everything still held, invalid bytes as U+FFFD; the decoder is empty afterwards.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of a trailing UTF-8 sequence that is valid so far but not complete (0 if none).
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var back = 1
        while back <= min(3, n) {
            let b = bytes[n - back]
            if b & 0xC0 == 0x80 { back += 1; continue }  // continuation byte: keep looking for the lead
            let expected = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1
            return expected > back ? back : 0
        }
        return 0
    }
}
