import Foundation
import Inference
import TestSupport
import Testing

/// The forward pass itself, free of quantization noise: in reference mode (scalar f32 matmuls, full
/// precision attention) the engine must equal an independent float64 NumPy implementation
/// (Fixtures/numpy_reference.py → numpy-reference.json) to a few 1e-4 nats.
@Suite(.serialized)
struct ReferenceArithmeticTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var context_ids: [Int32]
            var continuation_ids: [Int32]
            var logprobs: [Double]
            var top: [Int32]
        }
        var score: [Case]
    }

    @Test func matchesFloat64NumPyForwardPass() throws {
        let url = TestFiles.fixtures().appendingPathComponent("numpy-reference.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.score.count >= 3)
        let session = try TestModel.session(contextLength: 256)
        session.usesReferenceArithmetic = true
        var largest = 0.0
        for item in fixture.score {
            session.reset()
            let scores = try session.score(context: item.context_ids, continuations: [item.continuation_ids])[0]
            try #require(scores.count == item.logprobs.count)
            for (ours, theirs) in zip(scores, item.logprobs) { largest = max(largest, abs(ours.logprob - theirs)) }
            #expect(scores.map(\.top) == item.top)
        }
        print("reference mode vs NumPy float64: largest |Δ ln p| \(largest)")
        #expect(largest < 2e-3)
    }
}
