import Testing
@testable import Inference

/// Q8_K quantization of activations (vs_quantize_q8k: AVX-512 where the CPU has it, portable C
/// otherwise) against the Swift reference, byte for byte: values, block scales and 16-sums, for
/// llama.cpp's one-token quantizer (the first element of largest magnitude sets the sign) and its
/// 4-token one (a positive element of that magnitude wins), on random rows and on the blocks where
/// the two rules or the rounding could go wrong.
@Suite("Q8_K quantization")
struct QuantizeKTests {
    /// Blocks of 256 chosen to meet each rule: all zeros; −a before +a (the rules disagree); +a only
    /// late in the block; halves that round to even (amax 127, so iscale = ∓1); one tiny value among zeros.
    static func edgeBlocks() -> [[Float]] {
        var ties = [Float](repeating: 0, count: 256)
        for j in 0..<256 { ties[j] = Float(j % 9) - 4 + 0.5 }
        ties[200] = 127
        var mixed = [Float](repeating: 1.25, count: 256)
        mixed[3] = -6
        mixed[250] = 6
        var late = (0..<256).map { Float($0 % 17) * 0.01 - 0.08 }
        late[255] = 3
        var tiny = [Float](repeating: 0, count: 256)
        tiny[77] = -1e-30
        return [[Float](repeating: 0, count: 256), mixed, late, ties, tiny]
    }

    @Test("the engine's Q8_K equals the reference, one-token and 4-token rules", arguments: [0, 4, 8])
    func equalsReference(groupedEnd: Int) {
        let cols = 512
        var rows = (0..<6).map { t in randomActivations(n: 1, cols: cols, seed: UInt64(t + 40)) }
        let edges = Self.edgeBlocks()
        for (i, block) in edges.enumerated() { rows.append(block + edges[(i + 2) % edges.count]) }
        let n = rows.count
        let x = rows.flatMap { $0 }
        let q = QuantizedActivations(cols: cols, capacity: n)
        x.withUnsafeBufferPointer { _ = q.quantizeK($0.baseAddress!, n: n, groupedEnd: groupedEnd, pool: nil) }
        for t in 0..<n {
            let reference = x.withUnsafeBufferPointer {
                Kernels.quantizeKReference($0.baseAddress! + t * cols, cols: cols, positiveWins: t < groupedEnd)
            }
            let engine = q.tokenK(t)
            #expect(engine.qs == reference.qs, "token \(t), grouped below \(groupedEnd): values")
            #expect(engine.scales.map(\.bitPattern) == reference.scales.map(\.bitPattern), "token \(t), grouped below \(groupedEnd): scales")
            #expect(engine.sums == reference.sums, "token \(t), grouped below \(groupedEnd): 16-sums")
        }
        // The control: the two rules differ on the block with −6 before +6 (row 7's first block).
        let mixed = x.withUnsafeBufferPointer { Kernels.quantizeKReference($0.baseAddress! + 7 * cols, cols: cols, positiveWins: false) }
        let positive = x.withUnsafeBufferPointer { Kernels.quantizeKReference($0.baseAddress! + 7 * cols, cols: cols, positiveWins: true) }
        #expect(mixed.scales[0] == -positive.scales[0])
    }
}
