import GGUF
import TestSupport
import Testing
@testable import Inference

/// Batch invariance: a token's result does not depend on the batch it was evaluated in. Each matmul path
/// computes every output element with the same float operations in the same order whatever the batch
/// size and split (llama.cpp's, see avx512_qmatmul.c), and attention has one order for batches of two or
/// more tokens, so prefix reuse gives bitwise the numbers of one fresh batch. (Batches of one token,
/// decode steps, sum attention in llama.cpp's decode order instead.)
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
        let model = try TestModel.weights()
        let context = model.tokenizer.encode(PrefixReuseTests.context, parseSpecial: true, addBOS: false)
        let continuations = PrefixReuseTests.continuations.map { model.tokenizer.encode($0, parseSpecial: true, addBOS: false) }
        let cached = try TestModel.session()
        // The context is evaluated once; every continuation after the first reuses it from the cache.
        let shared = try cached.score(context: context, continuations: continuations)
        for (continuation, reused) in zip(continuations, shared) {
            // `from` is the index before the first scored token: the context's last token.
            let fresh = try TestModel.session().score(context + continuation, from: context.count - 1)
            #expect(fresh.map(\.token) == reused.map(\.token))
            #expect(fresh.map(\.logprob) == reused.map(\.logprob), "cached prefix vs one batch: largest |Δ ln p| \(zip(fresh, reused).map { abs($0.logprob - $1.logprob) }.max() ?? 0)")
        }
        // Batches of 7 tokens (the split prefix reuse produces in general) give the same numbers too.
        let sevens = try TestModel.session(batchCapacity: 7).score(context + continuations[1], from: context.count - 1)
        #expect(sevens == shared[1])
    }

    /// llama.cpp sums attention in another order for a batch of one token (its decode steps) than for
    /// larger batches, and the engine repeats both (EngineGoldenTests checks each against llama.cpp).
    /// Any split into batches of two or more tokens gives one batch's numbers bitwise.
    @Test("any split into batches of two or more tokens equals one batch, bitwise")
    func splitsOfTwoOrMoreEqualOneBatch() throws {
        let model = try TestModel.weights()
        let vocab = model.config.vocabularySize
        let sequence = model.tokenizer.encode(PrefixReuseTests.context + "<|im_start|>user\nAnimal: horse<|im_end|>\n",
                                              parseSpecial: true, addBOS: false)
        func logprobs(_ sizes: [Int]) throws -> [Double] {
            let session = try TestModel.session()
            var result: [Double] = [], start = 0
            for size in sizes {
                let end = min(sequence.count, start + size)
                try session.append(sequence[start..<end], logitsFrom: 0) { index, logits in
                    let position = start + index
                    if position + 1 < sequence.count {
                        result.append(TokenScore.score(logits: logits, vocabularySize: vocab, token: sequence[position + 1]).logprob)
                    }
                }
                start = end
            }
            return result
        }
        let whole = try logprobs([sequence.count])
        var pieces: [Int] = [], left = sequence.count, cycle = [2, 3, 5, 8]
        while left > 0 {
            var size = min(cycle[pieces.count % 4], left)
            if left - size == 1 { size += 1 }   // never leave one token alone
            pieces.append(size)
            left -= size
        }
        let split = try logprobs(pieces)
        #expect(split == whole, "largest |Δ ln p| \(zip(split, whole).map { abs($0 - $1) }.max() ?? 0)")
    }

    /// `append` splits a long evaluation into batches of `batchCapacity`; where that would leave the
    /// last row alone (one-token arithmetic: attention in llama.cpp's decode order), the last two
    /// batches share the rows instead, so every row has one batch's numbers, the last one's logits
    /// included. The 82 tokens are chosen so that their last row alone differs (the decode order
    /// shows in about a quarter of the positions of this text: their sums past 32 keys fold
    /// differently, and elsewhere the probabilities' F16 rounding hides it).
    @Test("a split into batches never leaves the last row alone")
    func theLastRowIsNeverAlone() throws {
        let model = try TestModel.weights()
        let vocab = model.config.vocabularySize
        let text = String(repeating: PrefixReuseTests.context + "<|im_start|>user\nAnimal: horse<|im_end|>\n", count: 4)
        let sequence = Array(model.tokenizer.encode(text, parseSpecial: true, addBOS: false).prefix(82))
        #expect(sequence.count == 82)
        func logits(batchCapacity: Int) throws -> [[UInt32]] {
            let session = try TestModel.session(batchCapacity: batchCapacity)
            var rows: [[UInt32]] = []
            try session.append(sequence[...], logitsFrom: 0) { _, logits in
                rows.append((0..<vocab).map { logits[$0].bitPattern })
            }
            return rows
        }
        let whole = try logits(batchCapacity: 512)
        // The premise: the last row evaluated alone after the others has other numbers.
        let session = try TestModel.session()
        var alone: [UInt32] = []
        try session.append(sequence.dropLast(), logitsFrom: sequence.count) { _, _ in }
        try session.append(sequence.suffix(1), logitsFrom: 0) { _, logits in alone = (0..<vocab).map { logits[$0].bitPattern } }
        let aloneDiffers = alone != whole.last   // (compared outside #expect, which would print every logit)
        #expect(aloneDiffers, "the last row alone should show the decode order")
        let split = try logits(batchCapacity: sequence.count - 1)   // 80 and 2 rather than 81 and 1
        #expect(split.count == sequence.count)
        let differing = sequence.indices.filter { split[$0] != whole[$0] }
        #expect(differing.isEmpty, "rows that differ: \(differing)")
    }
}
