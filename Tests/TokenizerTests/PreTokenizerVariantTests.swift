import Foundation
import GGUF
import TestSupport
import Testing
@testable import Tokenizer

/// The gpt2, llama3, qwen2 and default pre-tokenizers against llama.cpp, without another model:
/// the default model's header is rewritten with another `tokenizer.ggml.pre` (and no tensors),
/// exactly as scripts/make-tokenizer-fixtures.py did to get llama.cpp's ids.
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

    /// The model's metadata with `tokenizer.ggml.pre` replaced by `pre` and the bool keys
    /// `setTrue` set to true, as a tensor-less GGUF file (scripts/make-tokenizer-fixtures.py `variant`).
    static func variant(of model: [UInt8], pre: String? = nil, setTrue: [String] = []) -> [UInt8]? {
        func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
            guard let first = needle.first else { return nil }
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == first, Array(bytes[i ..< i + needle.count]) == needle { return i }
                i += 1
            }
            return nil
        }
        func lengthPrefixed(_ s: String) -> [UInt8] {
            withUnsafeBytes(of: UInt64(s.utf8.count).littleEndian, Array.init) + Array(s.utf8)
        }
        guard let infosAt = find(lengthPrefixed("token_embd.weight"), in: model) else { return nil }
        var data = Array(model[0 ..< infosAt])
        // The value of `key`: after its length-prefixed name and the 4-byte type.
        func valueAt(_ key: String) -> Int? { find(lengthPrefixed(key), in: data).map { $0 + 8 + key.utf8.count + 4 } }
        for key in setTrue {
            guard let at = valueAt(key) else { return nil }
            data[at] = 1
        }
        if let pre {
            guard let at = valueAt("tokenizer.ggml.pre") else { return nil }
            let oldLength = data[at ..< at + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            data.replaceSubrange(at ..< at + 8 + oldLength, with: lengthPrefixed(pre))
        }
        data.replaceSubrange(8 ..< 16, with: withUnsafeBytes(of: UInt64(0), Array.init))
        return data
    }

    @Test(arguments: ["gpt-2", "llama-bpe", "qwen2", "default"])
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
