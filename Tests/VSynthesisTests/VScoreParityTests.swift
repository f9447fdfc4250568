import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// V-Score on the real model against llama.cpp: `Fixtures/vscore-reference.json` is the output of
/// `shared/reference/vscore_reference.py MODEL dev-consistency.json --json` (every candidate's terms).
@Suite(.serialized) struct VScoreParityTests {
    struct Reference: Decodable {
        struct Row: Decodable {
            var task: String
            var candidate_task: String
            var input: String
            var output: String
            var tokens: Int
            var logp_T: Double
            var logp_null: Double
            var vscore: Double
        }
        var frame: String
        var rows: [Row]
    }

    static let fixtures = TestFiles.fixtures()

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("vscore-reference.json")))
    }

    /// AUROC per task of `value` over the rows, as the reference script computes it.
    static func aurocs<R>(_ rows: [R], task: (R) -> String, owner: (R) -> String, value: (R) -> Double) -> [String: Double] {
        var result: [String: Double] = [:]
        for id in Set(rows.map(task)) {
            let mine = rows.filter { task($0) == id }
            let positives = mine.filter { owner($0) == id }.map(value)
            let negatives = mine.filter { owner($0) != id }.map(value)
            result[id] = AUROC.compute(positives: positives, negatives: negatives)
        }
        return result
    }

    static func mean(_ values: [String: Double]) -> Double {
        values.values.reduce(0, +) / Double(max(values.count, 1))
    }

    @Test func referenceFixtureGivesThePublishedAUROCs() throws {
        let reference = try Self.reference()
        #expect(reference.frame == "chatml-system-v1")
        #expect(reference.rows.count == 600)
        let v = Self.mean(Self.aurocs(reference.rows, task: \.task, owner: \.candidate_task, value: \.vscore))
        let perToken = Self.mean(Self.aurocs(reference.rows, task: \.task, owner: \.candidate_task) { $0.vscore / Double($0.tokens) })
        let logpT = Self.mean(Self.aurocs(reference.rows, task: \.task, owner: \.candidate_task) { $0.logp_T / Double($0.tokens) })
        #expect(abs(v - 0.897) < 0.0005 && abs(perToken - 0.923) < 0.0005 && abs(logpT - 0.936) < 0.0005,
                "reference AUROCs \(v) \(perToken) \(logpT)")
    }

    /// One evaluation of the development set on the real model, shared by the two parity tests.
    static let evaluation: Task<ConsistencyEvaluation.Report, any Error> = Task {
        let dataset = try TaskDataset.load(path: TaskDatasetTests.devPath)
        return try await ConsistencyEvaluation(model: try TestModel.model()).run(dataset)
    }

    @Test func aurocsMatchLlamaCpp() async throws {
        let reference = try Self.reference()
        let report = try await Self.evaluation.value
        let measures: [(ConsistencyEvaluation.Measure, (Reference.Row) -> Double)] = [
            (.vscore, { $0.vscore }), (.vscorePerToken, { $0.vscore / Double($0.tokens) }),
            (.logpTaskPerToken, { $0.logp_T / Double($0.tokens) }),
        ]
        for (measure, value) in measures {
            let theirs = Self.mean(Self.aurocs(reference.rows, task: \.task, owner: \.candidate_task, value: value))
            let mine = report.mean(measure)
            print("parity: \(measure.rawValue) AUROC mean \(mine) (reference \(theirs))")
            #expect(abs(mine - theirs) <= 0.01, "\(measure.rawValue): \(mine) vs reference \(theirs)")
        }
    }

    @Test func everyCandidateMatchesLlamaCpp() async throws {
        try Self.compare(try await Self.evaluation.value, with: try Self.reference())
    }

    /// Every candidate's V-Score within 1e-3 nats of llama.cpp's, token counts equal, same frame.
    static func compare(_ report: ConsistencyEvaluation.Report, with reference: Reference) throws {
        #expect(report.frame == reference.frame)
        #expect(report.rows.count == reference.rows.count)
        var worst = 0.0, total = 0.0
        var outside: [String] = []
        for (mine, theirs) in zip(report.rows, reference.rows) {
            #expect(mine.task == theirs.task && mine.candidateTask == theirs.candidate_task && mine.input == theirs.input)
            #expect(mine.tokens == theirs.tokens, "token count of \(theirs.task)/\(theirs.input)")
            let difference = abs(mine.vscore - theirs.vscore)
            worst = max(worst, difference)
            total += difference
            if difference > 1e-3 {
                outside.append("\(theirs.task) ← \(theirs.candidate_task) '\(theirs.input)': \(mine.vscore) vs \(theirs.vscore)")
            }
        }
        print("parity \(report.frame): mean V-Score difference \(total / Double(max(report.rows.count, 1))) nats, largest \(worst), \(outside.count) of \(report.rows.count) candidates beyond 1e-3 nats")
        #expect(outside.isEmpty, "candidates beyond 1e-3 nats, e.g. \(outside.prefix(3))")
    }
}
