import GGUF
import Testing
@testable import Tokenizer

/// Tiny hand-made vocabularies written as GGUF files: errors for unsupported settings, and the
/// corners of llama.cpp's BPE that the real model never reaches.
struct SyntheticVocabularyTests {
    /// A GGUF v3 file with string, bool, uint32 and string/int32 array metadata and no tensors.
    static func gguf(_ metadata: [(String, Any)]) -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); out += Array(s.utf8) }
        u32(3); u64(0); u64(UInt64(metadata.count))
        for (key, value) in metadata {
            str(key)
            switch value {
            case let s as String: u32(8); str(s)
            case let b as Bool: u32(7); out.append(b ? 1 : 0)
            case let n as UInt32: u32(4); u32(n)
            case let list as [String]: u32(9); u32(8); u64(UInt64(list.count)); list.forEach(str)
            case let list as [Int32]: u32(9); u32(5); u64(UInt64(list.count)); list.forEach { u32(UInt32(bitPattern: $0)) }
            default: fatalError("unsupported test value")
            }
        }
        return out
    }

    /// Byte-level texts for "a", "b", "c", " " (Ġ) plus extra tokens.
    static func vocabulary(pre: String = "gpt-2", model: String = "gpt2", extra: [String] = [], merges: [String],
                           types: [Int32]? = nil) throws -> Tokenizer {
        let tokens = ["<|end|>", "a", "b", "c", "Ġ"] + extra
        var metadata: [(String, Any)] = [
            ("tokenizer.ggml.model", model), ("tokenizer.ggml.pre", pre),
            ("tokenizer.ggml.tokens", tokens), ("tokenizer.ggml.merges", merges),
            ("tokenizer.ggml.eos_token_id", UInt32(0)),
        ]
        metadata.append(("tokenizer.ggml.token_type", types ?? ([3] + [Int32](repeating: 1, count: tokens.count - 1))))
        return try Tokenizer(gguf: GGUFFile(bytes: gguf(metadata)))
    }

    @Test func unsupportedSettingsAreErrors() throws {
        #expect(throws: TokenizerError.unsupportedModel("bert")) { try Self.vocabulary(model: "bert", merges: []) }
        #expect(throws: TokenizerError.unsupportedPreTokenizer("tekken")) { try Self.vocabulary(pre: "tekken", merges: []) }
        let message = TokenizerError.unsupportedPreTokenizer("tekken").description
        for name in ["'tekken'", "default", "gpt-2", "llama-bpe", "qwen2", "smollm"] {
            #expect(message.contains(name), "\(message)")
        }
        let noTokens = Self.gguf([("tokenizer.ggml.model", "gpt2"), ("tokenizer.ggml.pre", "smollm")])
        #expect(throws: TokenizerError.missingMetadata(key: "tokenizer.ggml.tokens")) {
            try Tokenizer(gguf: GGUFFile(bytes: noTokens))
        }
        #expect(TokenizerError.unsupportedPreTokenizer("x").description.hasPrefix("tokenizer: "))
    }

    @Test func mergesFollowRankOrder() throws {
        // "ab" (rank 0) beats "bc" (rank 1): "abc" → ab, c
        let t = try Self.vocabulary(extra: ["ab", "bc", "abc"], merges: ["a b", "b c", "ab c"])
        #expect(t.encode("abc") == [7])
        let u = try Self.vocabulary(extra: ["ab", "bc"], merges: ["b c", "a b"])
        #expect(u.encode("abc") == [1, 6])
    }

    @Test func mergeThroughATextMissingFromTheVocabulary() throws {
        // "ab" is merged but is no token; "abc" is. Exactness needs the intermediate text.
        let t = try Self.vocabulary(extra: ["abc"], merges: ["a b", "ab c"])
        #expect(t.encode("abc") == [5])
        // Stopping at the missing text falls back to its single-byte tokens, as llama.cpp does.
        #expect(t.encode("ab") == [1, 2])
    }

    @Test func userDefinedTokensAreAlwaysMatched() throws {
        let types: [Int32] = [3, 1, 1, 1, 1, 4]
        let t = try Self.vocabulary(extra: ["<x>"], merges: [], types: types)
        #expect(t.encode("a<x>b", parseSpecial: false) == [1, 5, 2])
        #expect(t.encode("a<|end|>", parseSpecial: false).contains(0) == false)
        #expect(t.encode("a<|end|>") == [1, 0])
        #expect(t.isEndOfGeneration(0))
    }

    /// llama.cpp's SentencePiece defaults when the file says nothing: BOS 1, EOS 2, unknown 0,
    /// BOS added, a space prefix; scores all 0 (ties merge leftmost first).
    @Test func sentencePieceDefaults() throws {
        let tokens = ["<unk>", "<s>", "</s>", "\u{2581}a", "a", "b", "\u{2581}", "<0x62>", "ab"]
        let t = try Tokenizer(gguf: GGUFFile(bytes: Self.gguf([("tokenizer.ggml.model", "llama"),
                                                                ("tokenizer.ggml.tokens", tokens)])))
        #expect(t.kind == .sentencePiece && t.bosToken == 1 && t.eosToken == 2 && t.addsBOS && t.addsSpacePrefix)
        // "▁ab": "▁a" and "ab" both score 0; the leftmost pair merges first.
        #expect(t.encode("ab") == [1, 3, 5])
        #expect(t.decode([3, 5]) == "ab")
        // A character that is no token and has no <0xNN> token falls back to the unknown token.
        #expect(t.encode("c", addBOS: false) == [6, 0])
    }
}
