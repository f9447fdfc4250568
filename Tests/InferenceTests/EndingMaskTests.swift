@testable import Inference
import LanguageModel
import TestSupport
import Tokenizer
import Testing

/// `GenerationOptions.bannedTexts`: texts compared by their words, and the mask over the real
/// vocabulary: a token that would end the text as a banned one is refused, any other allowed.
struct EndingMaskTests {
    static func key(_ text: String) -> String { String(decoding: EndingMask.key(Array(text.utf8)), as: UTF8.self) }

    @Test func textsAreComparedByTheirWordsInLowerCase() {
        #expect(Self.key("  Good. ") == "good")
        #expect(Self.key("Not  GOOD!!") == "not good")
        #expect(Self.key("\"Not good,\" she said.") == "not good she said")
        #expect(Self.key("Goodness") == "goodness")
        #expect(Self.key("Café, 10/10") == "café 10 10")
        #expect(Self.key(" -- ") == "")
        // A word split across tokens stays one word; a separator between them makes two.
        var words: [UInt8] = [], between = false
        for piece in [" Go", "od", ".", " product"] { EndingMask.extend(&words, betweenWords: &between, with: Array(piece.utf8)[...]) }
        #expect(String(decoding: words, as: UTF8.self) == "good product")
    }

    @Test func textsWithoutWordsBanNothing() throws {
        let session = try TestModel.session(contextLength: 64, batchCapacity: 8)
        let pieces = TokenPieces(tokenizer: try #require(session.model.tokenizer), vocabularySize: session.model.config.vocabularySize)
        #expect(EndingMask(texts: ["", " ", "..."], pieces: pieces) == nil)
        #expect(EndingMask(texts: ["", "Good."], pieces: pieces)?.banned == [Array("good".utf8)])
    }

    /// Over the real vocabulary: after " Good." the tokens that end the text (a line break, alone or
    /// after more punctuation, the end of generation) are refused, the rest allowed; a token whose
    /// text adds a word before its line break is allowed, and so is any ending once the text has
    /// other words.
    @Test func theRealVocabularyIsMaskedAtTheEnding() throws {
        let session = try TestModel.session(contextLength: 64, batchCapacity: 8)
        let tokenizer = try #require(session.model.tokenizer)
        let pieces = TokenPieces(tokenizer: tokenizer, vocabularySize: session.model.config.vocabularySize)
        let fresh = try #require(EndingMask(texts: ["Good.", "Not bad"], pieces: pieces))
        func encode(_ text: String) -> [Int32] { tokenizer.encode(text, parseSpecial: false, addBOS: false) }
        func after(_ text: String) -> EndingMask {
            var mask = fresh
            for token in encode(text) { mask.accept(token) }
            return mask
        }
        let endings = (0..<Int32(pieces.bytes.count)).filter { token in
            let index = Int(token)
            let bytes = pieces.bytes[index]
            return pieces.endsGeneration[index] || pieces.special[index]
                || bytes.contains(0x0A) && bytes.allSatisfy(OpeningMask.isSeparator)
        }
        #expect(endings.count > 3, "line breaks, '.\\n' and the end of generation")
        let good = after(" Good.")
        #expect(endings.allSatisfy { !good.allows($0) })
        #expect(good.allows(encode(" Fast")[0]))
        #expect(good.allows(encode(".")[0]))
        // The same words in another case and punctuation are the same text.
        #expect(endings.allSatisfy { !after(" not BAD").allows($0) })
        // A token that writes a word before its line break ends another text.
        let wordThenBreak = (0..<Int32(pieces.bytes.count)).first { token in
            let bytes = pieces.bytes[Int(token)]
            guard let lineBreak = bytes.firstIndex(of: 0x0A), lineBreak > 0 else { return false }
            return bytes[..<lineBreak].contains { !OpeningMask.isSeparator($0) }
        }
        if let wordThenBreak { #expect(good.allows(wordThenBreak)) }
        // Other words: every ending is allowed; so is ending "Goodness", which only starts like one.
        #expect(endings.allSatisfy { after(" Good. Fast delivery").allows($0) })
        #expect(endings.allSatisfy { after(" Goodness").allows($0) })
        #expect(endings.allSatisfy { fresh.allows($0) })
    }
}
