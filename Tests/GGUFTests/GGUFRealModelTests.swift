import Foundation
import TestSupport
import Testing
@testable import GGUF

/// The real default model (SmolLM2-135M-Instruct Q4_1). Expected values were read with gguf-py
/// (llama.cpp's own GGUF reader) from the same file.
struct GGUFRealModelTests {
    @Test func metadataMatchesGGUFPy() throws {
        let path = try TestModel.path()
        let file = try GGUFFile(path: path)
        let m = file.metadata
        #expect(file.version == 3)
        #expect(file.fileSize == 98_362_432)
        #expect(file.alignment == 32)
        #expect(file.dataOffset == 1_785_664)
        #expect(m.count == 33)
        #expect(m.keys.first == "general.architecture" && m.keys.last == "general.quantization_version")
        #expect(m.string("general.architecture") == "llama")
        #expect(m.string("general.name") == "Smollm2 135M 8k Lc100K Mix1 Ep2")
        #expect(m.strings("general.languages")?.count == 1)
        #expect(m.int("llama.block_count") == 30)
        #expect(m.int("llama.context_length") == 8192)
        #expect(m.int("llama.embedding_length") == 576)
        #expect(m.int("llama.feed_forward_length") == 1536)
        #expect(m.int("llama.attention.head_count") == 9)
        #expect(m.int("llama.attention.head_count_kv") == 3)
        #expect(m.int("llama.rope.dimension_count") == 64)
        #expect(m.int("llama.vocab_size") == 49152)
        #expect(m.double("llama.rope.freq_base") == 100_000)
        #expect(m["llama.attention.layer_norm_rms_epsilon"] == .float32(1e-5))
        #expect(m.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(m.string("tokenizer.ggml.model") == "gpt2")
        #expect(m.string("tokenizer.ggml.pre") == "smollm")
        #expect(m.int("tokenizer.ggml.bos_token_id") == 1)
        #expect(m.int("tokenizer.ggml.eos_token_id") == 2)
        #expect(m.string("tokenizer.chat_template")?.hasPrefix("{% for message in messages %}") == true)
    }

    @Test func vocabularyAndMerges() throws {
        let path = try TestModel.path()
        let file = try GGUFFile(path: path)
        let tokens = try #require(file.metadata.array("tokenizer.ggml.tokens"))
        #expect(tokens.count == 49152 && tokens.elementType == .string)
        #expect(tokens.string(at: 0) == "<|endoftext|>")
        #expect(tokens.string(at: 1) == "<|im_start|>")
        #expect(tokens.string(at: 2) == "<|im_end|>")
        #expect(tokens.string(at: 17) == "!")
        #expect(tokens.string(at: 49151) == "ectable")
        #expect(tokens.string(at: 49150) == "ĠMama")
        #expect(tokens.string(at: 49152) == nil)
        let merges = try #require(file.metadata.array("tokenizer.ggml.merges"))
        #expect(merges.count == 48900)
        #expect((0 ..< 5).compactMap { merges.string(at: $0) } == ["Ġ t", "Ġ a", "i n", "h e", "Ġ Ġ"])
        let types = try #require(file.metadata.ints("tokenizer.ggml.token_type"))
        #expect(types.count == 49152)
        #expect(types.prefix(17).allSatisfy { $0 == 3 } && types.dropFirst(17).allSatisfy { $0 == 1 })
    }

    @Test func tensorInfosMatchGGUFPy() throws {
        let path = try TestModel.path()
        let file = try GGUFFile(path: path)
        #expect(file.tensors.count == 272)
        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embedding == GGUFTensorInfo(name: "token_embd.weight", dimensions: [576, 49152], type: .q8_0,
                                            offset: 1_785_664, byteCount: 30_081_024))
        #expect(file.tensors.first?.name == "token_embd.weight")
        #expect(file.tensor(named: "blk.0.attn_norm.weight")
                == GGUFTensorInfo(name: "blk.0.attn_norm.weight", dimensions: [576], type: .f32,
                                  offset: 31_866_688, byteCount: 2304))
        #expect(file.tensor(named: "blk.0.ffn_down.weight")
                == GGUFTensorInfo(name: "blk.0.ffn_down.weight", dimensions: [1536, 576], type: .q4_1,
                                  offset: 31_868_992, byteCount: 552_960))
        #expect(file.tensor(named: "blk.9.attn_v.weight")
                == GGUFTensorInfo(name: "blk.9.attn_v.weight", dimensions: [576, 192], type: .q4_1,
                                  offset: 98_291_008, byteCount: 69120))
        let norm = try #require(file.tensor(named: "output_norm.weight"))
        #expect(norm.offset + norm.byteCount == file.fileSize)
        #expect(file.tensor(named: "output.weight") == nil)  // tied to token_embd
        var types: [GGMLType: Int] = [:]
        for t in file.tensors { types[t.type, default: 0] += 1 }
        #expect(Set(types.keys) == [.f32, .q4_1, .q8_0])
        #expect(file.tensors.allSatisfy { $0.offset % 32 == 0 && $0.offset + $0.byteCount <= file.fileSize })
        // The mapped bytes are the file's bytes: compare the first norm weights with a plain read.
        let handle = try #require(FileHandle(forReadingAtPath: path))
        try handle.seek(toOffset: UInt64(norm.offset))
        let expected = try #require(try handle.read(upToCount: 64))
        #expect(Array(file.bytes(of: norm).prefix(64)) == Array(expected))
        let first = file.bytes(of: norm).loadUnaligned(as: Float.self)
        #expect(first.isFinite && first != 0)
    }

    /// Opening the model must be cheap: the vocabulary (49152 strings) and merges (48900) are
    /// stored compactly. Best of several opens, generous bound for a loaded 2-core machine.
    @Test func opensQuickly() throws {
        let path = try TestModel.path()
        var best = Double.infinity
        for _ in 0 ..< 5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let file = try GGUFFile(path: path)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            #expect(file.tensors.count == 272)
            best = min(best, elapsed)
        }
        print("gguf: open best of 5 = \(best) ms")
        #expect(best < 50)
    }
}
