import GGUF
import Testing
@testable import Inference

/// Batch invariance: a token's result does not depend on the batch it was evaluated in. Each kernel path
/// computes every output element with the same float operations in the same order whatever the batch
/// size and split (the AVX-512 GEMV and GEMM share lane order, tail layout and reduction tree), so
/// prefix reuse and one-token decoding give bitwise the numbers of one fresh batch.
@Suite("Batch invariance")
struct BatchInvarianceTests {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q8_0]
    static let paths = KernelPath.allCases.filter { $0 != .best && $0.isSupported }
    static let batches = [1, 2, 3, 4, 5, 7, 16, 64]
    static let pool = ThreadPool(threads: 2)

    /// y(n, rows) of tokens `x[first ..< first + n]` as one matmul call.
    static func matmul(_ w: WeightMatrix, _ x: [Float], first: Int, n: Int, path: KernelPath) -> [UInt32] {
        var y = [Float](repeating: .nan, count: n * w.rows)
        x.withUnsafeBufferPointer { xs in
            Kernels.matmul(w, x: xs.baseAddress! + first * w.cols, n: n, y: &y, pool: pool, path: path)
        }
        return y.map(\.bitPattern)
    }

    /// Splits of `n` into batches: 1, 2, 3, 4, … tokens in turn (covers the GEMV sizes and the GEMM's).
    static func split(_ n: Int) -> [Int] {
        var sizes: [Int] = [], left = n, next = 1
        while left > 0 {
            sizes.append(min(next, left))
            left -= sizes.last!
            next = next % 5 + 1
        }
        return sizes
    }

    @Test("matmul of a batch equals each token alone and any split, bitwise", arguments: types, paths)
    func matmulIsBatchInvariant(type: GGMLType, path: KernelPath) throws {
        for cols in [576, 1536] {
            let rows = 37   // not a multiple of 4 or 16: row tails of every tile
            let weights = try RandomWeights(type: type, rows: rows, cols: cols, seed: UInt64(type.rawValue) * 17 + UInt64(cols))
            let w = weights.matrix
            let x = randomActivations(n: 64, cols: cols, seed: UInt64(cols) + 5)
            let alone = (0..<64).flatMap { Self.matmul(w, x, first: $0, n: 1, path: path) }
            for n in Self.batches {
                let batch = Self.matmul(w, x, first: 0, n: n, path: path)
                let differing = (0..<n * rows).filter { batch[$0] != alone[$0] }
                #expect(differing.isEmpty, "\(type.name) \(path) cols \(cols) n \(n): \(differing.count) elements differ from one-token matmuls, first at token \((differing.first ?? 0) / rows)")
                var pieces: [UInt32] = [], first = 0
                for size in Self.split(n) {
                    pieces += Self.matmul(w, x, first: first, n: size, path: path)
                    first += size
                }
                #expect(pieces == batch, "\(type.name) \(path) cols \(cols) n \(n): split \(Self.split(n)) differs from one batch")
            }
            withExtendedLifetime(weights) {}
        }
    }

    @Test("a continuation scored after a cached prefix equals one fresh batch, bitwise")
    func cachedPrefixEqualsFreshBatch() throws {
        let model = try EngineTestModel.model()
        let context = model.tokenizer.encode(PrefixReuseTests.context, parseSpecial: true, addBOS: false)
        let continuations = PrefixReuseTests.continuations.map { model.tokenizer.encode($0, parseSpecial: true, addBOS: false) }
        let cached = try EngineTestModel.session()
        // The context is evaluated once; every continuation after the first reuses it from the cache.
        let shared = try cached.score(context: context, continuations: continuations)
        for (continuation, reused) in zip(continuations, shared) {
            // `from` is the index before the first scored token: the context's last token.
            let fresh = try EngineTestModel.session().score(context + continuation, from: context.count - 1)
            #expect(fresh.map(\.token) == reused.map(\.token))
            #expect(fresh.map(\.logprob) == reused.map(\.logprob), "cached prefix vs one batch: largest |Δ ln p| \(zip(fresh, reused).map { abs($0.logprob - $1.logprob) }.max() ?? 0)")
        }
        // Batches of 7 tokens (the split prefix reuse produces in general) give the same numbers too.
        let sevens = try EngineTestModel.session(batchCapacity: 7).score(context + continuations[1], from: context.count - 1)
        #expect(sevens == shared[1])
    }

    @Test("greedy decoding token by token equals teacher-forced batch scoring, bitwise")
    func greedyDecodeEqualsBatchScoring() throws {
        let model = try EngineTestModel.model()
        let vocab = model.config.vocabularySize
        let prompt = model.tokenizer.encode(PrefixReuseTests.context + "<|im_start|>user\nAnimal: horse<|im_end|>\n<|im_start|>assistant\n",
                                            parseSpecial: true, addBOS: false)
        let session = try EngineTestModel.session()
        var generated: [Int32] = []
        var stepwise: [Double] = []
        var next: Int32 = 0
        // The prompt in one batch, then one token per step, each the argmax of the last logits.
        try session.append(prompt[...], logitsFrom: prompt.count - 1) { _, logits in
            next = TokenScore.score(logits: logits, vocabularySize: vocab, token: 0).top
        }
        for _ in 0..<24 {
            generated.append(next)
            try session.append([next][...], logitsFrom: 0) { _, logits in
                let score = TokenScore.score(logits: logits, vocabularySize: vocab, token: 0)
                next = score.top
                stepwise.append(score.topLogprob)
            }
        }
        // Teacher forcing: prompt + generated tokens in one fresh batch; the logprob of each generated
        // token (after the first) and of the token that would come next.
        let forced = try EngineTestModel.session().score(prompt + generated + [next], from: prompt.count)
        #expect(forced.map(\.token) == Array(generated.dropFirst()) + [next])
        #expect(forced.map(\.logprob) == stepwise, "decode vs batch: largest |Δ ln p| \(zip(forced, stepwise).map { abs($0.logprob - $1) }.max() ?? 0)")
    }
}
