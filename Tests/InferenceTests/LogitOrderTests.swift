import Foundation
@testable import Inference
import Testing

/// The radix order of the sampler's candidates against its reference, the comparison sort it replaced.
struct LogitOrderTests {
    /// The reference: logit descending, ties by token ascending.
    static func referenceOrder(_ logits: [Float]) -> [Int32] {
        logits.indices.map { Int32($0) }.sorted { a, b in
            logits[Int(a)] > logits[Int(b)] || (logits[Int(a)] == logits[Int(b)] && a < b)
        }
    }

    static func radixOrder(_ logits: [Float], order: inout LogitOrder) -> (tokens: [Int32], logits: [Float]) {
        order.removeAll()
        for (token, logit) in logits.enumerated() { order.append(token: Int32(token), logit: logit) }
        var tokens: [Int32] = [], sortedLogits: [Float] = []
        order.sorted { token, logit in tokens.append(token); sortedLogits.append(logit) }
        return (tokens, sortedLogits)
    }

    @Test func realLogitsComeInTheReferenceOrder() throws {
        let logits = try SamplerTests.realLogits()
        var order = LogitOrder()
        let sorted = Self.radixOrder(logits, order: &order)
        #expect(sorted.tokens == Self.referenceOrder(logits))
        #expect(sorted.logits == sorted.tokens.map { logits[Int($0)] }, "logits are handed back bit for bit")
    }

    /// Ties, both zeros, signs, subnormals, infinities and values that share high digits, so that
    /// passes are skipped and taken.
    @Test func edgeValuesComeInTheReferenceOrder() {
        let edges: [Float] = [0, -0.0, 1, -1, 1, .infinity, -.infinity, .leastNonzeroMagnitude,
                              -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                              3.5, 3.5000002, 3.4999998, -3.5, 1e-30, -1e-30, 0, -0.0]
        var random = SystemRandomNumberGenerator()
        let narrow = (0..<3000).map { _ in Float.random(in: 10...10.001, using: &random) }
        let wide = (0..<3000).map { _ in Float.random(in: -40...40, using: &random).rounded() / 4 }
        var order = LogitOrder()
        for logits in [edges, narrow, wide, [], [2], narrow + edges + wide] {
            let sorted = Self.radixOrder(logits, order: &order)
            #expect(sorted.tokens == Self.referenceOrder(logits), "\(logits.count) logits")
            let back = sorted.tokens.map { logits[Int($0)] }
            #expect(zip(sorted.logits, back).allSatisfy { $0 == $1 }, "logits are handed back equal (-0 as +0)")
        }
    }
}
