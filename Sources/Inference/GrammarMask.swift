import JSONSchema
import Tokenizer

/// Which tokens may come next under a JSON grammar: a token is allowed when the matcher accepts
/// every byte of its text (end-of-generation only when the document is complete; special tokens
/// never). Token texts are computed once per session (`TokenPieces`).
struct GrammarMask {
    var matcher: JSONGrammarMatcher
    let pieces: TokenPieces
    /// Per first byte: whether the matcher accepts it now (filled for a full scan).
    private var firstByte = [Bool](repeating: false, count: 256)
    /// Where candidates are tried: reset to `matcher` before each, reusing its storage.
    private var scratch: JSONGrammarMatcher

    init(matcher: JSONGrammarMatcher, pieces: TokenPieces) {
        self.matcher = matcher
        self.pieces = pieces
        scratch = matcher
    }

    mutating func allows(_ token: Int32) -> Bool {
        let index = Int(token)
        guard index >= 0, index < pieces.bytes.count else { return false }
        if pieces.endsGeneration[index] { return matcher.isComplete }
        let bytes = pieces.bytes[index]
        guard !bytes.isEmpty, !pieces.special[index] else { return false }
        scratch.reset(to: matcher)
        return scratch.feed(bytes)
    }

    /// Readies `allowsInScan` for a pass over the whole vocabulary: a token is rejected at once when
    /// its first byte is, which settles most of the vocabulary with one table lookup.
    mutating func prepareScan() {
        for byte in 0..<256 {
            scratch.reset(to: matcher)
            firstByte[byte] = scratch.feed(UInt8(byte))
        }
    }

    mutating func allowsInScan(_ token: Int32) -> Bool {
        let index = Int(token)
        if !pieces.endsGeneration[index] {
            guard let first = pieces.bytes[index].first, firstByte[Int(first)] else { return false }
        }
        return allows(token)
    }

    /// Moves the matcher past an accepted token.
    mutating func accept(_ token: Int32) {
        let index = Int(token)
        guard index >= 0, index < pieces.bytes.count, !pieces.endsGeneration[index] else { return }
        _ = matcher.feed(pieces.bytes[index])
    }
}

/// Every token's bytes and kind, for grammar masks.
final class TokenPieces: Sendable {
    let bytes: [[UInt8]]
    let special: [Bool]
    let endsGeneration: [Bool]

    init(tokenizer: Tokenizer, vocabularySize: Int) {
        let ids = (0..<vocabularySize).map(Int32.init)
        bytes = ids.map { tokenizer.piece($0) }
        special = ids.map { tokenizer.isSpecial($0) }
        endsGeneration = ids.map { tokenizer.isEndOfGeneration($0) }
    }
}
