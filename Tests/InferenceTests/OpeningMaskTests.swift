@testable import Inference
import LanguageModel
import TestSupport
import Tokenizer
import Testing

/// `GenerationOptions.bannedOpenings`: which openings are refused (whole words, any case, past
/// leading spaces and punctuation), and the mask over the real vocabulary token by token.
struct OpeningMaskTests {
    static let labels = ["sports", "business", "science"].map { OpeningMask.extend([], with: Array($0.utf8)) }

    static func banned(_ text: String, _ words: [[UInt8]] = labels) -> Bool {
        OpeningMask.isBanned(OpeningMask.extend([], with: Array(text.utf8)), words: words)
    }

    @Test func aWordIsBannedWholeInAnyCaseAfterLeadingPunctuation() {
        #expect(Self.banned("Sports"))
        #expect(Self.banned("Sports, Business, Science"))
        #expect(Self.banned("sports news"))
        #expect(Self.banned("  \"SCIENCE\": a new planet"))
        #expect(Self.banned("**Business**\nShares fall"))
        // Runs on past the word with letters: another word.
        #expect(!Self.banned("Sportswear sales rise"))
        #expect(!Self.banned("Scientists map the brain"))
        // Not yet a word: a prefix is allowed.
        #expect(!Self.banned("Sp"))
        #expect(!Self.banned("United beat Madrid in sports"))
        // A short label does not ban the words that start with it.
        let no = [OpeningMask.extend([], with: Array("No".utf8))]
        #expect(Self.banned("No, thanks", no))
        #expect(!Self.banned("Nobody came", no))
        #expect(!Self.banned("November rain", no))
        // Several words, and letters beyond ASCII count as letters.
        let notSpam = [OpeningMask.extend([], with: Array("not spam".utf8))]
        #expect(Self.banned("Not spam: hello", notSpam))
        #expect(!Self.banned("Not spamming anyone", notSpam))
        #expect(!Self.banned("Sportsé", Self.labels))
    }

    @Test func wordsWithoutLettersBanNothing() throws {
        let session = try TestModel.session(contextLength: 64, batchCapacity: 8)
        let pieces = TokenPieces(tokenizer: try #require(session.model.tokenizer), vocabularySize: session.model.config.vocabularySize)
        #expect(OpeningMask(words: ["", " ", "--"], pieces: pieces) == nil)
        #expect(OpeningMask(words: ["", "Sports"], pieces: pieces)?.words == [Array("sports".utf8)])
    }

    /// Over the real vocabulary: the token that would complete "Sports" before a space is refused
    /// wherever the word starts (after a space, a quote, or split over several tokens), and once the
    /// opening is another word every token is allowed.
    @Test func theRealVocabularyIsMaskedTokenByToken() throws {
        let session = try TestModel.session(contextLength: 64, batchCapacity: 8)
        let tokenizer = try #require(session.model.tokenizer)
        let pieces = TokenPieces(tokenizer: tokenizer, vocabularySize: session.model.config.vocabularySize)
        let fresh = try #require(OpeningMask(words: ["sports", "business", "science"], pieces: pieces))
        /// Feeds `text`'s tokens; returns whether every token was allowed.
        func allowsAll(_ text: String) -> Bool {
            var mask = fresh
            for token in tokenizer.encode(text, parseSpecial: false, addBOS: false) {
                guard mask.allows(token) else { return false }
                mask.accept(token)
            }
            return true
        }
        #expect(!allowsAll(" Sports, Business, Science"))
        #expect(!allowsAll("\"Science\" news"))
        #expect(!allowsAll(" sports news today"))
        #expect(allowsAll(" Striker scores twice as City win the derby"))
        #expect(allowsAll(" Scientists map the brain"))
        // Settled after the first word: a label later in the text is allowed.
        var mask = fresh
        for token in tokenizer.encode(" Shares slide", parseSpecial: false, addBOS: false) { mask.accept(token) }
        #expect(mask.settled)
        #expect(tokenizer.encode(" sports", parseSpecial: false, addBOS: false).allSatisfy { mask.allows($0) })
        // End of generation is always allowed: the mask never leaves the sampler without a token.
        #expect((0..<Int32(pieces.bytes.count)).filter { pieces.endsGeneration[Int($0)] }.allSatisfy { fresh.allows($0) })
    }
}
