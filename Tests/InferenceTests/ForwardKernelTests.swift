import CKernels
import Foundation
import Inference
import Testing

/// The forward pass's C kernels against their plain Swift references.
struct ForwardKernelTests {
    /// Deterministic pseudo-random floats in [-range, range].
    static func values(_ count: Int, seed: UInt64, range: Float = 1) -> [Float] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in Float(random.nextUnit() * 2 - 1) * range }
    }

    @Test(arguments: [1, 2, 3, 5, 16, 17, 100, 513])
    func attentionRowMatchesReference(length: Int) {
        let headDim = 64, stride = 192
        let keys = Self.values(length * stride, seed: 1, range: 3)
        let values = Self.values(length * stride, seed: 2)
        let query = Self.values(headDim, seed: 3, range: 2)
        for round in [false, true] {
            var out = [Float](repeating: 0, count: headDim)
            var expected = [Float](repeating: 0, count: headDim)
            var scores = [Float](repeating: 0, count: (length + 15) / 16 * 16)
            AttentionKernel.row(query: query, keys: keys, values: values, stride: stride, length: length, headDim: headDim,
                                scale: 0.125, roundProbabilities: round, scores: &scores, out: &out)
            AttentionKernel.rowReference(query: query, keys: keys, values: values, stride: stride, length: length,
                                         headDim: headDim, scale: 0.125, roundProbabilities: round, out: &expected)
            let error = zip(out, expected).map { abs($0 - $1) }.max()!
            #expect(error < (round ? 2e-3 : 1e-5), "length \(length) round \(round): error \(error)")
        }
    }

    /// Every path against the portable C kernel, bit for bit: the head sizes of SmolLM2 (64), Qwen2.5 (128)
    /// and Gemma 3 (256), in the decode order (`singleQuery`) and the batch order, with a sliding window.
    @Test(arguments: [64, 128, 256])
    func attentionRowPathsAreBitIdentical(headDim: Int) {
        let stride = headDim * 3
        for length in [1, 5, 17, 100, 513] {
            let keys = Self.values(length * stride, seed: 11, range: 3)
            let values = Self.values(length * stride, seed: 12)
            let query = Self.values(headDim, seed: 13, range: 2)
            var scores = [Float](repeating: 0, count: (length + 15) / 16 * 16)
            for single in [false, true] {
                for round in [false, true] {
                    for first in [0, length / 3] {
                        var portable = [Float](repeating: .nan, count: headDim)
                        AttentionKernel.row(query: query, keys: keys, values: values, stride: stride, first: first, length: length,
                                            headDim: headDim, scale: 0.0625, roundProbabilities: round, singleQuery: single,
                                            path: .scalar, scores: &scores, out: &portable)
                        for path in KernelPath.allCases where path != .scalar && path.isSupported {
                            var out = [Float](repeating: .nan, count: headDim)
                            AttentionKernel.row(query: query, keys: keys, values: values, stride: stride, first: first, length: length,
                                                headDim: headDim, scale: 0.0625, roundProbabilities: round, singleQuery: single,
                                                path: path, scores: &scores, out: &out)
                            #expect(out.map(\.bitPattern) == portable.map(\.bitPattern),
                                    "head \(headDim) length \(length) single \(single) round \(round) first \(first) \(path)")
                        }
                    }
                }
            }
        }
    }

    /// Query heads sharing one key/value head go through the kernel together (read once for all); each
    /// head's output must be the bits it gets alone, for group sizes below, at and above the kernel's
    /// block of 4 (SmolLM2's 3, Gemma 3's 4, Qwen2.5-1.5B's 6), in both orders and with a window.
    @Test(arguments: [64, 256])
    func groupedHeadsEqualEachHeadAlone(headDim: Int) {
        let stride = headDim * 2
        for heads in [1, 2, 3, 4, 6] {
            for length in [1, 9, 40, 130] {
                let keys = Self.values(length * stride, seed: 21, range: 3)
                let values = Self.values(length * stride, seed: 22)
                let queries = Self.values(heads * headDim, seed: UInt64(23 + heads), range: 2)
                let scoresStride = (length + 15) / 16 * 16
                for single in [false, true] {
                    for first in [0, length / 2] {
                        var together = [Float](repeating: .nan, count: heads * headDim)
                        var scores = [Float](repeating: 0, count: heads * scoresStride)
                        AttentionKernel.row(query: queries, heads: heads, keys: keys, values: values, stride: stride, first: first,
                                            length: length, headDim: headDim, scale: 0.0625, roundProbabilities: true,
                                            singleQuery: single, scores: &scores, scoresStride: scoresStride, out: &together)
                        for h in 0..<heads {
                            var alone = [Float](repeating: .nan, count: headDim)
                            let query = Array(queries[h * headDim..<(h + 1) * headDim])
                            AttentionKernel.row(query: query, keys: keys, values: values, stride: stride, first: first, length: length,
                                                headDim: headDim, scale: 0.0625, roundProbabilities: true, singleQuery: single,
                                                scores: &scores, out: &alone)
                            #expect(Array(together[h * headDim..<(h + 1) * headDim]).map(\.bitPattern) == alone.map(\.bitPattern),
                                    "head \(h) of \(heads), headDim \(headDim) length \(length) single \(single) first \(first)")
                        }
                    }
                }
            }
        }
    }

    @Test func halfRoundingMatchesTheReferenceAndFloat16() {
        var x = Self.values(4096, seed: 4, range: 50) + Self.values(1000, seed: 5, range: 1e-4) + [0, -0, 1, 65504, 6.1e-5, -3e-8]
        let expected = x.map(HalfRounding.round)
        AttentionKernel.roundToHalf(&x, count: x.count)
        #expect(x == expected)
        #if arch(x86_64) || arch(arm64)
        if #available(macOS 11, *) {
            let viaFloat16 = expected.indices.filter { Float(Float16(expected[$0])) != expected[$0] }
            #expect(viaFloat16.isEmpty)
        }
        #endif
    }

    @Test func swigluMatchesTheReference() {
        let gate = Self.values(1000, seed: 6, range: 20)
        let up = Self.values(1000, seed: 7, range: 3)
        var kernel = gate
        vs_swiglu(&kernel, up, kernel.count, -1)
        var reference = gate
        VectorMath.swiglu(gate: &reference, up: up, count: reference.count)
        let exact = zip(gate, up).map { g, u in Double(g) / (1 + Foundation.exp(-Double(g))) * Double(u) }
        for i in gate.indices {
            #expect(abs(Double(kernel[i]) - exact[i]) <= 1e-5 * max(1, abs(exact[i])))
            #expect(abs(Double(reference[i]) - exact[i]) <= 1e-5 * max(1, abs(exact[i])))
        }
    }

    @Test func vectorExpAndNormsMatchScalarMath() {
        let x = Self.values(4096, seed: 8, range: 80)
        for start in stride(from: 0, to: x.count, by: 16) {
            let lanes = SIMD16<Float>(x[start..<start + 16])
            let result = VectorMath.exp(lanes)
            for lane in 0..<16 {
                let exact = Foundation.exp(Double(lanes[lane]))
                #expect(abs(Double(result[lane]) - exact) <= 3e-7 * exact)
            }
        }
        let row = Self.values(576, seed: 9, range: 4)
        let weight = Self.values(576, seed: 10)
        var normed = [Float](repeating: 0, count: 576)
        VectorMath.rmsNorm(row, weight: weight, count: 576, epsilon: 1e-5, into: &normed)
        let meanSquare = row.reduce(0.0) { $0 + Double($1) * Double($1) } / 576
        for i in 0..<576 {
            let exact = Double(row[i]) / (meanSquare + 1e-5).squareRoot() * Double(weight[i])
            #expect(abs(Double(normed[i]) - exact) < 1e-5)
        }
        var logits = Self.values(49152, seed: 11, range: 20)
        let lse = VectorMath.logSumExp(&logits, count: logits.count)
        let top = Double(logits.max()!)
        let exactLSE = top + Foundation.log(logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) })
        #expect(abs(lse - exactLSE) < 1e-5)
    }

    @Test func ropeRotatesAdjacentPairsByPositionAngles() {
        let table = RopeTable(dimensions: 64, positions: 8, base: 100000)
        var row = Self.values(2 * 64, seed: 12)
        let original = row
        VectorMath.rope(&row, heads: 2, headDim: 64, position: 5, table: table)
        for head in 0..<2 {
            for i in 0..<32 {
                let theta = 5 * Foundation.pow(100000.0, -2.0 * Double(i) / 64)
                let x0 = Double(original[head * 64 + 2 * i]), x1 = Double(original[head * 64 + 2 * i + 1])
                #expect(abs(Double(row[head * 64 + 2 * i]) - (x0 * Foundation.cos(theta) - x1 * Foundation.sin(theta))) < 1e-5)
                #expect(abs(Double(row[head * 64 + 2 * i + 1]) - (x0 * Foundation.sin(theta) + x1 * Foundation.cos(theta))) < 1e-5)
            }
        }
    }
}

extension ForwardKernelTests {
    @Test func logSumExpKernelMatchesTheReference() {
        for count in [1, 15, 16, 17, 1000, 49152] {
            var logits = Self.values(count, seed: UInt64(count), range: 25)
            logits[count / 2] = 31
            var argmax: Int32 = -1
            let kernel = vs_log_sum_exp(logits, Int32(count), &argmax, -1)
            let reference = VectorMath.logSumExp(&logits, count: count)
            #expect(abs(kernel - reference) < 1e-5)
            #expect(Int(argmax) == VectorMath.argmax(&logits, count: count))
        }
    }
}
