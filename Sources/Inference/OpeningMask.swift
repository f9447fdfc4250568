/// Which tokens may come next when the text may not begin with certain words
/// (`GenerationOptions.bannedOpenings`). The opening is the text past its leading spaces and
/// punctuation, lower-cased (ASCII); a token is refused when, with it, the opening is one of the words
/// or begins with one followed by a space or punctuation. A token that runs on past the word with
/// letters ("Sportswear", "Nobody" for `no`) is allowed. Once the opening has left every word, every
/// token is allowed, at the cost of one check.
///
/// Why: asked for a headline of the task "Classify the news headline by topic: sports, business, or
/// science", SmolLM2-135M wrote "Sports, Business, Science", "Sports and Business" or "Sports News"
/// in 40 of 40 tries, inputs that name their own label and that the leak filter drops, so the task
/// got no demonstrations at all.
struct OpeningMask {
    /// The banned words, lower-cased, as bytes.
    let words: [[UInt8]]
    let pieces: TokenPieces
    /// The text so far past its leading spaces and punctuation, lower-cased.
    private var opening: [UInt8] = []
    /// The opening has left every word: nothing that follows can make the text begin with one.
    private(set) var settled = false

    /// Nil when no word has a letter or digit (nothing to ban).
    init?(words: [String], pieces: TokenPieces) {
        let words = words.map { Self.extend([], with: Array($0.utf8)) }.filter { !$0.isEmpty }
        guard !words.isEmpty else { return nil }
        self.words = words
        self.pieces = pieces
    }

    func allows(_ token: Int32) -> Bool {
        if settled { return true }
        let index = Int(token)
        guard index >= 0, index < pieces.bytes.count else { return false }
        if pieces.endsGeneration[index] || pieces.special[index] { return true }
        return !Self.isBanned(Self.extend(opening, with: pieces.bytes[index]), words: words)
    }

    /// Moves the opening past an accepted token.
    mutating func accept(_ token: Int32) {
        let index = Int(token)
        guard !settled, index >= 0, index < pieces.bytes.count, !pieces.endsGeneration[index] else { return }
        opening = Self.extend(opening, with: pieces.bytes[index])
        settled = !words.contains { $0.starts(with: opening) }
    }

    /// Whether `opening` is one of `words`, or begins with one followed by a space or punctuation.
    static func isBanned(_ opening: [UInt8], words: [[UInt8]]) -> Bool {
        words.contains { word in
            opening.starts(with: word) && (opening.count == word.count || isSeparator(opening[word.count]))
        }
    }

    /// `opening` with `bytes` appended: lower-cased, and leading spaces and punctuation skipped.
    static func extend(_ opening: [UInt8], with bytes: [UInt8]) -> [UInt8] {
        var result = opening
        for byte in bytes where !(result.isEmpty && isSeparator(byte)) {
            result.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
        return result
    }

    /// An ASCII byte that is not a letter or digit (a byte of a multi-byte UTF-8 character is a letter).
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte < 0x80 && !(byte >= 48 && byte <= 57) && !(byte >= 65 && byte <= 90) && !(byte >= 97 && byte <= 122)
    }
}
