/// Which tokens may end the text when it may not be certain texts (`GenerationOptions.bannedTexts`).
/// Texts are compared by their words: runs of letters and digits (a byte of a multi-byte UTF-8
/// character counts as a letter), lower-cased (ASCII), so "Good.", "good" and " GOOD!" are one text.
/// A token ends the text when it ends the generation, is a special token, or holds a line break (every
/// stop string of a synthesis step starts with one); it is refused when the text up to its line
/// break reads as a banned text. Any other token is allowed, so the model goes on writing ("Good."
/// becomes "Good. Fast delivery.") and a generation that never ends on a banned text is the same
/// token for token as one without the mask.
///
/// Why: the synthesizer shows the model earlier examples as references, and SmolLM2-135M copies
/// them. `vsynth synthesize examples/sentiment.prompt` generated 31 candidates for its 16-candidate
/// pool; 10 were exact duplicates ("Good.", "Nice.", "Bad." again), 9 of them of an input the pool
/// held before their round began, each a whole generation and its scoring wasted.
struct EndingMask {
    /// The banned texts' words, joined by single spaces.
    let banned: Set<[UInt8]>
    let pieces: TokenPieces
    /// The words so far, joined by single spaces.
    private var words: [UInt8] = []
    /// A separator came after the last word: the next letter starts a new word.
    private var betweenWords = false

    /// Nil when no text has a letter or digit (nothing to ban).
    init?(texts: [String], pieces: TokenPieces) {
        let keys = texts.map { Self.key(Array($0.utf8)) }.filter { !$0.isEmpty }
        guard !keys.isEmpty else { return nil }
        banned = Set(keys)
        self.pieces = pieces
    }

    func allows(_ token: Int32) -> Bool {
        let index = Int(token)
        guard index >= 0, index < pieces.bytes.count else { return false }
        if pieces.endsGeneration[index] || pieces.special[index] { return !banned.contains(words) }
        let bytes = pieces.bytes[index]
        guard let lineBreak = bytes.firstIndex(of: 0x0A) else { return true }
        var (ended, between) = (words, betweenWords)
        Self.extend(&ended, betweenWords: &between, with: bytes[..<lineBreak])
        return !banned.contains(ended)
    }

    /// Moves the words past an accepted token.
    mutating func accept(_ token: Int32) {
        let index = Int(token)
        guard index >= 0, index < pieces.bytes.count, !pieces.endsGeneration[index] else { return }
        Self.extend(&words, betweenWords: &betweenWords, with: pieces.bytes[index][...])
    }

    /// The words of `text` joined by single spaces.
    static func key(_ text: [UInt8]) -> [UInt8] {
        var words: [UInt8] = []
        var betweenWords = false
        extend(&words, betweenWords: &betweenWords, with: text[...])
        return words
    }

    /// `words` with the words of `bytes` appended (a word split across calls stays one word).
    static func extend(_ words: inout [UInt8], betweenWords: inout Bool, with bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if OpeningMask.isSeparator(byte) {
                betweenWords = !words.isEmpty
                continue
            }
            if betweenWords { words.append(0x20) }
            betweenWords = false
            words.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
    }
}
