import Foundation
import GGUF
import Inference
import TestSupport
import Testing
@testable import Tokenizer

/// SentencePiece against llama.cpp on Gemma 3 270M's real vocabulary (262,144 tokens, scores, byte
/// fallback, 6,249 control and 165 user-defined tokens): the ids in
/// Fixtures/tokenizer_gemma3_llamacpp.json come from scripts/make-tokenizer-fixtures.py.
struct SentencePieceTests {
    struct Case { let text: String; let ids: [Int32]; let plain: [Int32] }

    /// The fixture's list `key`.
    static func fixture(_ key: String) -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tokenizer_gemma3_llamacpp.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return json[key] as? [[String: Any]] ?? []
    }

    /// Ids with special tokens parsed (`ids`) and not (`plain`).
    static let cases: [Case] = fixture("tokenize").compactMap { item in
        guard let text = item["text"] as? String, let ids = item["ids"] as? [Int],
              let plain = item["plain"] as? [Int] else { return nil }
        return Case(text: text, ids: ids.map(Int32.init), plain: plain.map(Int32.init))
    }

    /// Ids with the header's `add_space_prefix` set to true (Llama 2 and Mistral files have it).
    static let spacePrefixCases: [(text: String, ids: [Int32])] =
        fixture("space_prefix").compactMap { item in
            guard let text = item["text"] as? String, let ids = item["ids"] as? [Int] else { return nil }
            return (text, ids.map(Int32.init))
        }

    /// Gemma 3 270M's tokenizer (`TestModel.gemmaPath`).
    static func tokenizer(sourceLocation: SourceLocation = #_sourceLocation) throws -> Tokenizer? {
        guard let path = TestModel.gemmaPath(sourceLocation: sourceLocation) else { return nil }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    @Test func fixtureIsLoaded() {
        #expect(Self.cases.count >= 1500)
        #expect(Self.spacePrefixCases.count >= 500)
    }

    @Test func metadataIsRead() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        #expect(tokenizer.kind == .sentencePiece)
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(tokenizer.bosToken == 2 && tokenizer.eosToken == 1 && tokenizer.addsBOS && !tokenizer.addsEOS)
        #expect(!tokenizer.addsSpacePrefix)
        #expect(tokenizer.endOfTurnToken == tokenizer.token(forText: "<end_of_turn>"))
        #expect(tokenizer.isEndOfGeneration(106) && tokenizer.isEndOfGeneration(1))
        #expect(tokenizer.encode("Hello world") == [2, 9259, 1902])
        #expect(tokenizer.encode("", addBOS: nil) == [2])
    }

    @Test(arguments: [true, false])
    func everyStringGivesLlamaCppIds(parseSpecial: Bool) throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let mismatches = Self.cases.compactMap { c -> String? in
            let ids = tokenizer.encode(c.text, parseSpecial: parseSpecial, addBOS: false)
            let expected = parseSpecial ? c.ids : c.plain
            return ids == expected ? nil : "\(c.text.debugDescription): got \(ids), llama.cpp \(expected)"
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.cases.count) differ; first: \(mismatches.prefix(3))")
    }

    /// A space before text at the start and after each special token, dropped again by `decode`.
    @Test func spacePrefixGivesLlamaCppIds() throws {
        guard let path = TestModel.gemmaPath() else { return }
        let file = try GGUFFile(path: path)
        let header = Array(file.fileBytes.prefix(file.dataOffset))
        let bytes = try #require(PreTokenizerVariantTests.variant(of: header, setTrue: ["tokenizer.ggml.add_space_prefix"]))
        let tokenizer = try Tokenizer(gguf: GGUFFile(bytes: bytes))
        #expect(tokenizer.addsSpacePrefix)
        var mismatches: [String] = []
        for (text, ids) in Self.spacePrefixCases {
            let got = tokenizer.encode(text, addBOS: false)
            if got != ids { mismatches.append("\(text.debugDescription): got \(got), llama.cpp \(ids)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ; first: \(mismatches.prefix(3))")
        #expect(tokenizer.decode(tokenizer.encode("Hello world", addBOS: false)) == "Hello world")
    }

    /// Decoding gives the text back: `▁` as spaces, `<0xNN>` as bytes, special tokens as their text.
    @Test func decodeInvertsEncode() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let failures = Self.cases.compactMap { c -> String? in
            // A `▁` written in the text is a space to SentencePiece, and decodes as one (as in llama.cpp).
            let expected = c.text.replacingOccurrences(of: "\u{2581}", with: " ")
            let text = tokenizer.decode(tokenizer.encode(c.text, addBOS: false))
            let plain = tokenizer.decode(tokenizer.encode(c.text, parseSpecial: false, addBOS: false))
            return text == expected && plain == expected ? nil : c.text.debugDescription
        }
        #expect(failures.isEmpty, "\(failures.count) do not round-trip; first: \(failures.prefix(3))")
    }

    @Test func streamingDecoderHoldsSplitCharacters() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        // "\u{1F916}" is one token; the rare CJK and emoji sequences below fall back to bytes.
        for text in ["日本語 🤖 \u{1}", "\u{2A6DF}\u{1FAE0}x", "<start_of_turn>ü"] {
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            var streamed = ""
            for id in tokenizer.encode(text, addBOS: false) {
                let part = decoder.append(id)
                #expect(!part.contains("\u{FFFD}"), "\(text.debugDescription)")
                streamed += part
            }
            #expect(streamed + decoder.flush() == text)
        }
    }
}
