import Foundation
import Inference
import LanguageModel
import TestSupport
import Testing
@testable import VSynthesis

/// V-Score parity in every frame of the README's frame table, against llama.cpp:
/// `Fixtures/vscore-frame-*.json` are `shared/reference/vscore_reference.py --frame F --json` over
/// `Fixtures/vscore-frames-data.json` (four tasks, two demonstrations each: 32 task/candidate
/// pairs), all written by scripts/make-vscore-goldens.sh. Every candidate within 1e-3 nats, token
/// counts equal, the same frame name (`VScoreParityTests.compare`).
@Suite(.serialized) struct VScoreFrameParityTests {
    static let fixtures = TestFiles.fixtures()

    static func dataset() throws -> TaskDataset {
        try TaskDataset.load(path: fixtures.appendingPathComponent("vscore-frames-data.json").path)
    }

    static func reference(_ name: String) throws -> VScoreParityTests.Reference {
        try JSONDecoder().decode(VScoreParityTests.Reference.self,
                                 from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// The frames are strings, so the default model runs each of them (`--frame F`).
    @Test(arguments: ChatTemplate.Kind.allCases)
    func defaultModelMatchesLlamaCppInEveryFrame(frame: ChatTemplate.Kind) async throws {
        let reference = try Self.reference("vscore-frame-\(frame.rawValue).json")
        #expect(reference.rows.count == 32)
        let report = try await ConsistencyEvaluation(model: try TestModel.model(), frame: frame).run(try Self.dataset())
        try VScoreParityTests.compare(report, with: reference)
    }

    /// Gemma 3 270M in the frame its metadata chooses (`--frame auto`: no chat template, so plain,
    /// with BOS first): token counts, the frame, the AUROCs and every candidate within 1e-3 nats. For
    /// K-quant weights llama.cpp's own numbers depend on how the tokens are batched (its tiled matmul
    /// for 8 or more tokens, `vec_dot` below): llama.cpp evaluating the context and then D moves
    /// `sarcasm ← roman '4'`'s null-context ln p by −0.1026 nats. The reference evaluates context and
    /// D in one batch, and so does the engine on such weights (`InferenceSession.scoresWholeSequences`);
    /// with prefix reuse instead, 19 of the 32 candidates were off by up to 0.24 nats.
    @Test func gemma3MatchesLlamaCppInItsOwnFrame() async throws {
        let path = try TestModel.gemma3Path()
        let reference = try Self.reference("vscore-frame-gemma3-auto.json")
        #expect(reference.frame == "plain-v1")
        let model = try EmbeddedLanguageModel(path: path, threads: 0)
        let report = try await ConsistencyEvaluation(model: model).run(try Self.dataset())
        #expect(report.frame == reference.frame)
        #expect(report.rows.map(\.tokens) == reference.rows.map(\.tokens))
        let theirs = VScoreParityTests.mean(VScoreParityTests.aurocs(reference.rows, task: \.task, owner: \.candidate_task,
                                                                     value: \.vscore))
        print("parity plain-v1 (Gemma 3): V-Score AUROC mean \(report.mean(.vscore)) (reference \(theirs))")
        #expect(abs(report.mean(.vscore) - theirs) <= 0.01)
        try VScoreParityTests.compare(report, with: reference)
    }
}
