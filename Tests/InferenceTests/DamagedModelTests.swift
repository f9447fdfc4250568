import Foundation
import GGUF
import Inference
import LanguageModel
import TestSupport
import Testing

/// Issue 11, finding 5: a model file whose header is sound but whose tensor data is damaged gives
/// non-finite logits; the engine reports the file as damaged, naming it, instead of scoring `nan`
/// (or trapping in the sampler, which found no candidate among NaN logits).
@Suite struct DamagedModelTests {
    /// A copy of the real model with `tensor`'s bytes set to 0xFF (NaN in F32 and F16, NaN block
    /// scales in quantized types). The caller removes the directory.
    static func damagedCopy(tensor: String) throws -> (directory: URL, path: String) {
        let original = try TestModel.path()
        let directory = try TemporaryDirectory("damaged").url
        let copy = directory.appendingPathComponent("damaged.gguf").path
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let file = try GGUFFile(path: copy)
        let info = try #require(file.tensor(named: tensor))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy))
        try handle.seek(toOffset: UInt64(info.offset))  // absolute (GGUFTensorInfo.offset)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: info.byteCount))
        try handle.close()
        return (directory, copy)
    }

    /// (A damaged F32 norm is laundered into finite garbage by the 8-bit activation quantization, as in
    /// llama.cpp; damaged quantized blocks carry NaN scales through to the logits.)
    @Test(arguments: ["blk.0.attn_q.weight", "blk.29.ffn_down.weight", "token_embd.weight"])
    func scoringADamagedModelNamesTheFile(tensor: String) async throws {
        let (directory, path) = try Self.damagedCopy(tensor: tensor)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try EmbeddedLanguageModel(path: path, threads: 2, contextLength: 256)
        do {
            let scores = try await model.score(context: "<|im_start|>system\nT<|im_end|>\n", continuations: ["hello world"])
            Issue.record("scored \(scores.map(\.total)) on a damaged model")
        } catch {
            let message = "\(error)"
            #expect(message.contains(path) && message.contains("damaged model file"), "\(message)")
        }
    }

    @Test(arguments: [0.0, 0.8])
    func generatingWithADamagedModelIsAnErrorNotATrap(temperature: Double) async throws {
        let (directory, path) = try Self.damagedCopy(tensor: "token_embd.weight")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try EmbeddedLanguageModel(path: path, threads: 2, contextLength: 256)
        await #expect(throws: LanguageModelError.self) {
            _ = try await model.generate(prompt: "Hello", options: GenerationOptions(maxTokens: 4, temperature: temperature))
        }
        // The session is usable afterwards (the damaged positions were dropped from the cache).
        await #expect(throws: LanguageModelError.self) {
            _ = try await model.score(context: "Hello", continuations: [" world"])
        }
    }

    @Test func allFiniteAgreesWithTheScalarReference() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 15, 16, 17, 49_152, 49_153] {
            var row = (0..<count).map { _ in Float.random(in: -30...30, using: &generator) }
            for poison in [Float.nan, .infinity, -.infinity, .signalingNaN, .greatestFiniteMagnitude] where count > 0 {
                let at = Int.random(in: 0..<count, using: &generator)
                let kept = row[at]
                row[at] = poison
                row.withUnsafeBufferPointer { buffer in
                    let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 16)!
                    #expect(VectorMath.allFinite(base, count: count) == VectorMath.allFiniteReference(base, count: count),
                            "\(poison) at \(at) of \(count)")
                }
                row[at] = kept
            }
            row.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 16)!
                #expect(VectorMath.allFinite(base, count: count))
            }
        }
    }
}
