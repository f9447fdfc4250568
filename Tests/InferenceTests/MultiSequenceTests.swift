import TestSupport
import Testing
@testable import Inference

/// Sequences evaluated together (InferenceSession.decode, the rows of a continuous batch) give bitwise
/// the logits they give alone: prompts of different lengths, sequences joining mid-way, batches of 2, 4
/// and 8, on the default model (Q4_1) and on a K-quant file, whose matmuls take other routines for
/// batches than for one token.
@Suite("Multi-sequence forward")
struct MultiSequenceTests {
    static let texts = [
        "Alpha centauri is the closest star system to the Sun.",
        "Bread rises because yeast ferments the sugars in the dough and releases carbon dioxide, which the gluten traps.",
        "Chess",
        "Dolphins sleep with one half of the brain at a time, so that they can keep breathing and watch for danger while resting in the open sea.",
        "Every prime number greater than two is odd.",
        "Frost forms when water vapour turns straight into ice on a surface below freezing.",
        "Glaciers carve valleys into a U shape.",
        "Honey never spoils if it is kept sealed, because its low water content and acidity stop microbes from growing in it for centuries.",
    ]
    /// Decode steps after each prompt.
    static let steps = 6

    /// The token fed to sequence `i` at decode step `s`: fixed, so a difference cannot steer later steps.
    static func token(_ i: Int, _ s: Int, vocab: Int) -> Int32 { Int32((1_000 + 37 * s + 101 * i) % vocab) }

    /// Each sequence's logits (bit patterns): after its prompt, then after each decode step.
    typealias Trace = [[UInt32]]

    static func bits(_ logits: UnsafePointer<Float>, _ vocab: Int) -> [UInt32] {
        (0..<vocab).map { logits[$0].bitPattern }
    }

    /// Sequence `i` evaluated alone.
    static func alone(_ session: InferenceSession, _ prompt: [Int32], index i: Int) throws -> Trace {
        let vocab = session.model.config.vocabularySize
        let sequence = session.makeSequence()
        var trace: Trace = []
        try session.append(prompt[...], to: sequence, logitsFrom: prompt.count - 1) { _, logits in trace.append(bits(logits, vocab)) }
        for s in 0..<steps {
            try session.decode([token(i, s, vocab: vocab)], into: [sequence]) { _, logits in trace.append(bits(logits, vocab)) }
        }
        return trace
    }

    /// The sequences in one continuous batch: sequence i joins (its prompt evaluated alone) before
    /// round i, then every running sequence decodes one token per round until it has had `steps`.
    static func together(_ session: InferenceSession, _ prompts: [[Int32]]) throws -> [Trace] {
        let vocab = session.model.config.vocabularySize
        var traces = [Trace](repeating: [], count: prompts.count)
        var sequences: [InferenceSequence?] = Array(repeating: nil, count: prompts.count)
        var done = [Int](repeating: 0, count: prompts.count)
        for round in 0..<(prompts.count + steps) {
            if round < prompts.count {
                let sequence = session.makeSequence()
                let prompt = prompts[round]
                try session.append(prompt[...], to: sequence, logitsFrom: prompt.count - 1) { _, logits in
                    traces[round].append(bits(logits, vocab))
                }
                sequences[round] = sequence
            }
            let running = prompts.indices.filter { sequences[$0] != nil && done[$0] < steps }
            // Rows in reverse order of joining: the order of the rows must not matter either.
            let rows = Array(running.reversed())
            try session.decode(rows.map { token($0, done[$0], vocab: vocab) }, into: rows.map { sequences[$0]! }) { row, logits in
                traces[rows[row]].append(bits(logits, vocab))
            }
            for i in rows { done[i] += 1 }
        }
        return traces
    }

    @Test("logits of a sequence alone equal its logits in batches of 2, 4 and 8, bitwise", arguments: [nil, "Q4_K_M"])
    func batchedLogitsEqualAlone(requantized: String?) async throws {
        let model = try TestModel.weights(requantized: requantized)
        try await blocking {
            let session = InferenceSession(model: model, pool: TestModel.pool, contextLength: 256)
            let prompts = Self.texts.map { model.tokenizer.encode($0, parseSpecial: false, addBOS: false) }
            #expect(Set(prompts.map(\.count)).count >= 6, "prompts of different lengths")
            let alone = try prompts.enumerated().map { try Self.alone(session, $1, index: $0) }
            for size in [2, 4, 8] {
                let batched = try Self.together(session, Array(prompts.prefix(size)))
                for i in 0..<size {
                    #expect(batched[i].count == Self.steps + 1)
                    for (step, (a, b)) in zip(alone[i], batched[i]).enumerated() {
                        let differing = zip(a, b).filter { $0 != $1 }.count
                        #expect(differing == 0, "\(requantized ?? "Q4_1") batch of \(size): sequence \(i) step \(step): \(differing) logits differ from alone")
                    }
                }
            }
        }
    }

    @Test("a decode step appends each token to its own sequence")
    func decodeAppendsPerSequence() throws {
        let session = try TestModel.session(contextLength: 64)
        let a = session.makeSequence(), b = session.makeSequence()
        try session.append([1, 2, 3], to: a, logitsFrom: 3) { _, _ in }
        let before = session.evaluatedTokenCount
        try session.decode([7, 8], into: [a, b]) { _, _ in }
        #expect(a.tokens == [1, 2, 3, 7])
        #expect(b.tokens == [8])
        #expect(session.evaluatedTokenCount == before + 2)
    }
}
