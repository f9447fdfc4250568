import Foundation
import GGUF
import TestSupport
import Testing
@testable import Tokenizer

/// Token ids against llama.cpp on the committed corpus (Fixtures/make_corpus.py →
/// Fixtures/tokenizer_llamacpp.json, made with the reference tool llamacpp_logprobs.py).
struct TokenizerFixtureTests {
    struct Case { let text: String; let ids: [Int32] }

    /// The hand-written corpus (make_corpus.py).
    static let cases = load("tokenizer_llamacpp.json")
    /// 2000 seeded random strings (make_fuzz_corpus.py).
    static let fuzzCases = load("tokenizer_fuzz_llamacpp.json")

    static func load(_ name: String) -> [Case] {
        let url = TestFiles.fixtures().appendingPathComponent("\(name)")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["tokenize"] as? [[String: Any]] else { return [] }
        return list.compactMap { item in
            guard let text = item["text"] as? String, let ids = item["ids"] as? [Int] else { return nil }
            return Case(text: text, ids: ids.map(Int32.init))
        }
    }

    static func tokenizer() throws -> Tokenizer? {
        guard let path = try? TestModel.path() else { return nil }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    @Test func fixturesAreLoaded() {
        #expect(Self.cases.count >= 300)
        #expect(Self.fuzzCases.count == 2000)
    }

    @Test(arguments: ["corpus", "fuzz"])
    func everyStringGivesLlamaCppIds(fixture: String) throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let cases = fixture == "corpus" ? Self.cases : Self.fuzzCases
        var mismatches: [String] = []
        for c in cases {
            let ids = tokenizer.encode(c.text, parseSpecial: true, addBOS: false)
            if ids != c.ids {
                mismatches.append("\(c.text.debugDescription): got \(ids), llama.cpp \(c.ids)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ; first: \(mismatches.prefix(5))")
    }

    @Test func decodeInvertsEncode() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        var failures: [String] = []
        for c in Self.cases {
            let ids = tokenizer.encode(c.text)
            if !ids.contains(where: tokenizer.isSpecial), tokenizer.decode(ids) != c.text {
                failures.append(c.text.debugDescription)
            }
            // With special parsing off, every string is plain text and round-trips exactly.
            let plain = tokenizer.encode(c.text, parseSpecial: false)
            if plain.contains(where: { tokenizer.isSpecial($0) }) || tokenizer.decode(plain) != c.text {
                failures.append("plain: \(c.text.debugDescription)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Streaming gives the same text as `decode`, never a U+FFFD mid-stream. Fuzz strings whose
    /// llama.cpp ids do not decode back (llama.cpp's byte fallback drops bytes for texts that
    /// merges make but the vocabulary lacks) are skipped.
    @Test func streamingDecoderHoldsIncompleteCharacters() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        for c in Self.cases + Self.fuzzCases {
            let ids = tokenizer.encode(c.text, parseSpecial: false)
            guard tokenizer.decode(ids) == c.text else { continue }
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            var streamed = ""
            for id in ids {
                let part = decoder.append(id)
                #expect(!part.contains("\u{FFFD}"), "\(c.text.debugDescription)")
                streamed += part
            }
            streamed += decoder.flush()
            #expect(streamed == c.text)
        }
    }
}
