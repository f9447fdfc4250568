import CKernels

/// One query row of causal attention for one head, over `length` cached positions:
///
///     scores_j = (q · k_j) · scale,   p = softmax(scores),   out = Σ_j p_j · v_j
///
/// `row` is the C kernel (AVX-512 where the CPU has it); `rowReference` is the plain Swift reference it
/// is tested against. Keys and values of consecutive positions are `stride` floats apart. Positions
/// before `first` are masked (a sliding window's query does not see them).
public enum AttentionKernel {
    /// - Parameters:
    ///   - heads: query heads sharing these keys and values (grouped-query attention), their queries and
    ///     outputs `headDim` floats apart; each gets the numbers it would alone, and the keys and values
    ///     are read once for all of them.
    ///   - roundProbabilities: round p to F16 before the product with V (llama.cpp's F16 cache path).
    ///   - singleQuery: the batch has one token: llama.cpp's decode-step summation order.
    ///   - scores: scratch for `heads` rows of `scoresStride` floats (≥ `length` rounded up to 16; 0:
    ///     that rounded length).
    @inline(__always)
    public static func row(query: UnsafePointer<Float>, heads: Int = 1, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                           stride: Int, first: Int = 0, length: Int, headDim: Int, scale: Float,
                           roundProbabilities: Bool, singleQuery: Bool = false, path: KernelPath = .best,
                           scores: UnsafeMutablePointer<Float>, scoresStride: Int = 0, out: UnsafeMutablePointer<Float>) {
        vs_attention_rows(query, Int32(heads), keys, values, stride, Int32(first), Int32(length), Int32(headDim), scale,
                          roundProbabilities ? 1 : 0, singleQuery ? 1 : 0, scores,
                          scoresStride > 0 ? scoresStride : (length + 15) & ~15, out, path.rawValue)
    }

    /// The plain Swift reference of `row` (Double accumulation for the dot products and the sum).
    public static func rowReference(query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                    stride: Int, first: Int = 0, length: Int, headDim: Int, scale: Float,
                                    roundProbabilities: Bool, out: UnsafeMutablePointer<Float>) {
        var scores = [Double](repeating: -.infinity, count: length)
        for j in first..<length {
            var dot = 0.0
            for d in 0..<headDim { dot += Double(query[d]) * Double(keys[j * stride + d]) }
            scores[j] = dot * Double(scale)
        }
        let top = scores.max() ?? 0
        var sum = 0.0
        for j in 0..<length {
            scores[j] = (scores[j] - top).exp
            sum += scores[j]
        }
        var output = [Double](repeating: 0, count: headDim)
        for j in 0..<length {
            var p = Float(scores[j] / sum)
            if roundProbabilities { p = HalfRounding.round(p) }
            for d in 0..<headDim { output[d] += Double(p) * Double(values[j * stride + d]) }
        }
        for d in 0..<headDim { out[d] = Float(output[d]) }
    }

    /// Rounds `count` floats to their nearest F16 values in place (C kernel; reference: `HalfRounding`).
    @inline(__always)
    public static func roundToHalf(_ x: UnsafeMutablePointer<Float>, count: Int) {
        vs_round_half(x, count, -1)
    }
}

private extension Double {
    var exp: Double { Foundation.exp(self) }
}

import Foundation
