import LanguageModel
import Testing
@testable import VSynthesis
import PromptFile

@Suite struct VScorerTests {
    let demos = [
        Demonstration(input: "Tweet: so great", output: "Label: sarcastic"),
        Demonstration(input: "Tweet: thanks all", output: "Label: sincere"),
    ]

    @Test func batchesOneCallPerContextAndCaches() async throws {
        let model = RecordingModel()
        let scorer = VScorer(model: model)
        let first = try await scorer.score(task: "Decide sarcasm.", demonstrations: demos + [demos[0]])
        #expect(first.count == 3)
        #expect(first[0] == first[2])
        #expect(model.scoreCalls.count == 2)
        #expect(model.scoreCalls.map(\.count) == [2, 2])
        #expect(model.scoreCalls[0].context == "<|im_start|>system\nDecide sarcasm.<|im_end|>\n")
        #expect(model.scoreCalls[1].context == "<|im_start|>system\n<|im_end|>\n")
        let again = try await scorer.score(task: "Decide sarcasm.", demonstrations: demos)
        #expect(again == Array(first.prefix(2)))
        #expect(model.scoreCalls.count == 2)
        // A new T is a new key.
        _ = try await scorer.score(task: "Other task.", demonstrations: [demos[1]])
        #expect(model.scoreCalls.count == 4)
        #expect(scorer.cache.count == 3)
    }

    @Test func scoresEqualTheDifferenceOfTheTwoPasses() async throws {
        let model = RecordingModel()
        let scorer = VScorer(model: model)
        let frame = VScoreFrame(template: .chatML)
        let v = try await scorer.score(task: "Decide sarcasm.", demonstration: demos[0])
        let withTask = try await model.score(context: frame.context(task: "Decide sarcasm."), continuations: [frame.text(of: demos[0])])
        let withNull = try await model.score(context: frame.nullContext, continuations: [frame.text(of: demos[0])])
        #expect(v.total == withTask[0].total - withNull[0].total)
        #expect(v.tokenCount == frame.text(of: demos[0]).count)
    }

    @Test func cacheSeparatesModels() async throws {
        let cache = VScoreCache()
        let a = VScorer(model: RecordingModel(name: "a"), cache: cache)
        let bModel = RecordingModel(name: "b")
        let b = VScorer(model: bModel, cache: cache)
        _ = try await a.score(task: "T", demonstrations: demos)
        _ = try await b.score(task: "T", demonstrations: demos)
        #expect(bModel.scoreCalls.count == 2)
        #expect(cache.count == 4)
    }

    @Test func cacheForgetsOldestPastCapacity() {
        let cache = VScoreCache(capacity: 2)
        let identity = ModelIdentity(backend: "x", model: "y", revision: "z")
        let keys = (0..<3).map { VScoreCache.Key(model: identity, frame: "f", task: "t", demonstration: Demonstration(input: "\($0)", output: "o")) }
        for (i, key) in keys.enumerated() { cache.insert(VScore(logpTask: Double(i), logpNull: 0, tokenCount: 1), for: key) }
        #expect(cache.count == 2)
        #expect(cache[keys[0]] == nil)
        #expect(cache[keys[2]]?.logpTask == 2)
    }

    /// Issue 11: the daemon's cache is bounded by the bytes of text it holds, not only by entries,
    /// so long tasks cannot make it grow up to the entry limit.
    @Test func cacheForgetsOldestPastItsByteLimit() {
        let cache = VScoreCache(capacity: 1_000_000, byteLimit: 64 << 10)
        let identity = ModelIdentity(backend: "x", model: "y", revision: "z")
        let task = String(repeating: "a long task definition ", count: 200)
        for i in 0..<1_000 {
            let key = VScoreCache.Key(model: identity, frame: "f", task: task, demonstration: Demonstration(input: "\(i)", output: "o"))
            cache.insert(VScore(logpTask: Double(i), logpNull: 0, tokenCount: 1), for: key)
            #expect(cache.byteCount <= 64 << 10)
        }
        #expect(cache.count > 1 && cache.count < 20, "\(cache.count)")
        let newest = VScoreCache.Key(model: identity, frame: "f", task: task, demonstration: Demonstration(input: "999", output: "o"))
        #expect(cache[newest]?.logpTask == 999)
    }
}
