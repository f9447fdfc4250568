import Foundation
import GGUF
import TestSupport
import Testing
@testable import Tokenizer

/// The gpt2 and llama3 pre-tokenizers against llama.cpp, without another model: the default
/// model's header is rewritten with another `tokenizer.ggml.pre` (and no tensors), exactly as
/// Fixtures/make_pretokenizer_variants.py did to get llama.cpp's ids.
struct PreTokenizerVariantTests {
    static let variants: [String: [(String, [Int32])]] = {
        let url = TestFiles.fixtures().appendingPathComponent("tokenizer_pre_variants_llamacpp.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: [[Any]]] else { return [:] }
        return json.mapValues { list in
            list.compactMap { pair in
                guard pair.count == 2, let text = pair[0] as? String, let ids = pair[1] as? [Int] else { return nil }
                return (text, ids.map(Int32.init))
            }
        }
    }()

    /// The model's metadata with `tokenizer.ggml.pre` replaced, as a tensor-less GGUF file.
    static func variant(of model: [UInt8], pre: String) -> [UInt8]? {
        func find(_ needle: [UInt8]) -> Int? {
            guard let first = needle.first else { return nil }
            var i = 0
            while i + needle.count <= model.count {
                if model[i] == first, Array(model[i ..< i + needle.count]) == needle { return i }
                i += 1
            }
            return nil
        }
        func lengthPrefixed(_ s: String) -> [UInt8] {
            withUnsafeBytes(of: UInt64(s.utf8.count).littleEndian, Array.init) + Array(s.utf8)
        }
        guard let keyAt = find(lengthPrefixed("tokenizer.ggml.pre")),
              let infosAt = find(lengthPrefixed("token_embd.weight")) else { return nil }
        let valueAt = keyAt + 8 + 18 + 4
        let oldLength = model[valueAt ..< valueAt + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        return Array(model[0 ..< 8]) + withUnsafeBytes(of: UInt64(0), Array.init)
            + Array(model[16 ..< valueAt]) + lengthPrefixed(pre) + Array(model[(valueAt + 8 + oldLength) ..< infosAt])
    }

    @Test(arguments: ["gpt-2", "llama-bpe"])
    func idsMatchLlamaCpp(pre: String) throws {
        guard let path = try? TestModel.path() else { return }
        let cases = try #require(Self.variants[pre])
        #expect(cases.count == 1500)
        let file = try GGUFFile(path: path)
        let header = Array(file.fileBytes.prefix(file.dataOffset))
        let bytes = try #require(Self.variant(of: header, pre: pre))
        let tokenizer = try Tokenizer(gguf: GGUFFile(bytes: bytes))
        #expect(tokenizer.preTokenizerName == pre)
        var mismatches: [String] = []
        for (text, ids) in cases where tokenizer.encode(text) != ids {
            mismatches.append("\(text.debugDescription): got \(tokenizer.encode(text)), llama.cpp \(ids)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ; first: \(mismatches.prefix(3))")
    }
}
