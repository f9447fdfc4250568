import Foundation
@testable import Inference
import LanguageModel
import TestSupport
import Testing

/// Prefix reuse, KV-cache decoding and batch splitting give the numbers of one fresh evaluation.
@Suite(.serialized)
struct PrefixReuseTests {
    /// The V-Score frame's context and a few demonstrations sharing their leading turn markers.
    static let context = "<|im_start|>system\nName the sound that the animal makes.<|im_end|>\n"
    static let continuations = [
        "<|im_start|>user\nAnimal: dog<|im_end|>\n<|im_start|>assistant\nSound: bark<|im_end|>\n",
        "<|im_start|>user\nAnimal: cat<|im_end|>\n<|im_start|>assistant\nSound: meow<|im_end|>\n",
        "<|im_start|>user\nAnimal: dog<|im_end|>\n<|im_start|>assistant\nSound: woof<|im_end|>\n",
        "<|im_start|>user\nAnimal: cow<|im_end|>\n<|im_start|>assistant\nSound: moo<|im_end|>\n",
    ]

    /// Largest |Δ| between two lists of per-token scores of the same tokens.
    static func largestDifference(_ a: [[TokenScore]], _ b: [[TokenScore]]) -> Double {
        var largest = 0.0
        for (x, y) in zip(a, b) {
            #expect(x.map(\.token) == y.map(\.token))
            for (s, t) in zip(x, y) { largest = max(largest, abs(s.logprob - t.logprob)) }
        }
        return largest
    }

    @Test func sharedContextScoresEqualFreshEvaluations() throws {
        let model = try TestModel.weights()
        let session = try TestModel.session()
        let context = model.tokenizer.encode(Self.context, parseSpecial: true, addBOS: false)
        let continuations = Self.continuations.map { model.tokenizer.encode($0, parseSpecial: true, addBOS: false) }
        let shared = try session.score(context: context, continuations: continuations)
        var fresh: [[TokenScore]] = []
        for continuation in continuations {
            session.reset()
            fresh.append(try session.score(context: context, continuations: [continuation])[0])
        }
        let difference = Self.largestDifference(shared, fresh)
        print("prefix reuse vs fresh: largest |Δ ln p| \(difference)")
        // Batches of two or more tokens sum alike (BatchInvarianceTests): prefix reuse is exact.
        #expect(difference == 0)
        // Scoring the same request again reuses every stored score and gives identical numbers.
        let again = try session.score(context: context, continuations: continuations)
        let sameSession = try session.score(context: context, continuations: continuations)
        #expect(again == sameSession)
    }

    /// A sequence that parts from the cached one before the positions it scores cuts the cache back
    /// to where they part; the stored score of the first token it cut (kept one position earlier)
    /// must go with it. It once stayed, and a later sequence that shares the new token there was
    /// given the old token's score: in `vsynth eval icl`, one token of a V-Score 8.9 nats off.
    @Test func aScoreWhoseTokenWasCutIsNeverReused() throws {
        let model = try TestModel.weights()
        let encode = { (text: String) in model.tokenizer.encode(text, parseSpecial: true, addBOS: false) }
        let task = encode("<|im_start|>system\nSay whether the sentence is in the past, present, or future tense.<|im_end|>\n")
        let first = encode("<|im_start|>user\nSentence: Sam went home.<|im_end|>\n<|im_start|>assistant\nTense: past<|im_end|>\n")
        // Scored only at its end: it parts from `first` at the sentence's first word.
        let long = encode("<|im_start|>user\nSentence: She left early.<|im_end|>\n<|im_start|>assistant\nTense: past<|im_end|>\n")
        let second = encode("<|im_start|>user\nSentence: She left early.<|im_end|>\n<|im_start|>assistant\nTense: present<|im_end|>\n")
        let session = try TestModel.session()
        _ = try session.score(task + first, from: task.count - 1)
        _ = try session.score(task + long, from: task.count + long.count - 3)
        let reused = try session.score(task + second, from: task.count - 1)
        let fresh = try TestModel.session().score(task + second, from: task.count - 1)
        #expect(reused.map(\.token) == fresh.map(\.token))
        let differing = reused.indices.filter { reused[$0].logprob != fresh[$0].logprob }
        #expect(differing.isEmpty, "positions after the context whose scores differ: \(differing)")
    }

    /// A V-Score scores D after the task's context, then after the null one, for candidate after
    /// candidate. The session keeps the sequence it sets aside (`spareSequences`): going back to the
    /// task's context evaluates only the new demonstration's tokens, with a fresh evaluation's numbers.
    @Test func alternatingContextsFindTheirCachesWithAFreshEvaluationsNumbers() throws {
        let model = try TestModel.weights()
        let encode = { (text: String) in model.tokenizer.encode(text, parseSpecial: true, addBOS: false) }
        let task = encode(Self.context), null = encode("<|im_start|>system\n<|im_end|>\n")
        let demonstrations = Self.continuations.map(encode)
        let session = try TestModel.session()
        var alternating: [[TokenScore]] = []
        var evaluated: [Int] = []
        for demonstration in demonstrations {
            for context in [task, null] {
                let before = session.evaluatedTokenCount
                alternating.append(try session.score(context: context, continuations: [demonstration])[0])
                evaluated.append(session.evaluatedTokenCount - before)
            }
        }
        // After the first candidate, each context is found cached: only the rows whose logits score
        // the demonstration's new tokens are evaluated, from the one before the first new token to
        // the one before the last.
        for (index, demonstration) in demonstrations.enumerated().dropFirst() {
            let shared = zip(demonstration, demonstrations[index - 1]).prefix { $0 == $1 }.count
            for offset in 0..<2 {
                #expect(evaluated[2 * index + offset] == demonstration.count - shared,
                        "candidate \(index), context \(offset): \(evaluated[2 * index + offset]) tokens evaluated for \(demonstration.count - shared) new")
            }
        }
        var fresh: [[TokenScore]] = []
        for demonstration in demonstrations {
            for context in [task, null] {
                fresh.append(try TestModel.session().score(context: context, continuations: [demonstration])[0])
            }
        }
        #expect(alternating == fresh)
    }

    /// An input's labels, scored in one call, part after the same row: that row scores every label's
    /// first token, so each later label evaluates only the rows that score its own later tokens (its
    /// last token's row scores nothing and is not evaluated), never fewer than two. The numbers are
    /// a fresh evaluation's. Before, each label evaluated the row where they part and its last
    /// token's row as well: 17 rows more for these three inputs (86 against 69).
    @Test func labelsThatPartAfterOneRowCostOnlyTheirOwnRows() throws {
        let model = try TestModel.weights()
        let encode = { (text: String) in model.tokenizer.encode(text, parseSpecial: true, addBOS: false) }
        let context = encode(Self.context)
        var continuations: [[Int32]] = []
        for animal in ["dog", "cat", "owl"] {
            for sound in ["bark", "meow", "hoot"] {
                continuations.append(encode("<|im_start|>user\nAnimal: \(animal)<|im_end|>\n<|im_start|>assistant\nSound: \(sound)<|im_end|>\n"))
            }
        }
        let session = try TestModel.session()
        let shared = try session.score(context: context, continuations: continuations)
        // Sorted, the first evaluates the context and itself but its last token; each later one from
        // the first token it does not share with the one before (whose score came from the row where
        // they part) to its second-to-last, at least two rows.
        let sorted = continuations.sorted { $0.lexicographicallyPrecedes($1) }
        var expected = context.count + sorted[0].count - 1
        for (previous, continuation) in zip(sorted, sorted.dropFirst()) {
            let common = zip(continuation, previous).prefix { $0 == $1 }.count
            expected += max(2, continuation.count - 1 - common)
        }
        let evaluated = session.evaluatedTokenCount
        #expect(evaluated == expected, "\(evaluated) rows evaluated, expected \(expected)")
        var fresh: [[TokenScore]] = []
        for continuation in continuations {
            fresh.append(try TestModel.session().score(context: context, continuations: [continuation])[0])
        }
        #expect(shared == fresh)
    }

    /// K-quant weights: llama.cpp's numbers depend on how tokens are batched, so scoring evaluates
    /// every sequence whole (`scoresWholeSequences`, on by default there, off for the default model):
    /// equal to a fresh evaluation of each, bit for bit, where scoring after the cached context is not
    /// (the control: the same session with prefix reuse switched back on).
    @Test func kQuantScoringEvaluatesWholeSequences() throws {
        #expect(try TestModel.session().scoresWholeSequences == false, "the default model keeps prefix reuse")
        let model = try TestModel.weights(requantized: "Q4_K_M")
        let session = InferenceSession(model: model, pool: TestModel.pool)
        #expect(session.scoresWholeSequences, "a Q4_K_M file scores whole sequences")
        let context = model.tokenizer.encode(Self.context, parseSpecial: true, addBOS: false)
        let continuations = Self.continuations.map { model.tokenizer.encode($0, parseSpecial: true, addBOS: false) }
        var fresh: [[TokenScore]] = []
        for continuation in continuations {
            session.reset()
            fresh.append(try session.score(context: context, continuations: [continuation])[0])
        }
        let before = session.evaluatedTokenCount
        let whole = try session.score(context: context, continuations: continuations)
        #expect(whole == fresh)
        #expect(session.evaluatedTokenCount - before == continuations.reduce(0) { $0 + context.count + $1.count },
                "every sequence evaluated from position 0")
        session.scoresWholeSequences = false
        session.reset()
        _ = try session.score(context: context, continuations: [continuations[0]])
        let reused = try session.score(context: context, continuations: Array(continuations.dropFirst()))
        #expect(reused != Array(fresh.dropFirst()), "after a cached context the K-quant numbers move (else this test shows nothing)")
    }

    /// `rankingScore` (numbers only compared, never reported) keeps prefix reuse on a K-quant file:
    /// fewer tokens evaluated, numbers close to `score`'s, and `score` after it still gives llama.cpp's
    /// numbers, bit for bit those of a fresh model (the ranking call leaves no reused rows behind
    /// for it).
    @Test func rankingScoresReusePrefixesWithoutTouchingExactScores() async throws {
        let path = try TestModel.requantizedPath("Q4_K_M")
        let exact = try EmbeddedLanguageModel(path: path, threads: 2, contextLength: 512)
        let expected = try await exact.score(context: Self.context, continuations: Self.continuations)
        let model = try EmbeddedLanguageModel(path: path, threads: 2, contextLength: 512)
        let start = try await model.withSession { $0.evaluatedTokenCount }
        let ranking = try await model.rankingScore(context: Self.context, continuations: Self.continuations)
        let evaluated = try await model.withSession { $0.evaluatedTokenCount } - start
        var whole = 0
        for continuation in Self.continuations {
            whole += try await model.tokenize(Self.context).count + model.tokenize(continuation).count
        }
        #expect(evaluated < whole * 3 / 4, "\(evaluated) tokens evaluated; whole sequences would be \(whole)")
        for (r, e) in zip(ranking, expected) {
            #expect(r.tokenTexts == e.tokenTexts)
            #expect(abs(r.total - e.total) < 0.5, "\(r.total) against \(e.total)")
        }
        #expect(ranking != expected, "prefix reuse moved the K-quant numbers (else this test shows nothing)")
        let scored = try await model.score(context: Self.context, continuations: Self.continuations)
        #expect(scored == expected)
    }

    /// Continuations that part only at their last token (a one-token answer with nothing after it)
    /// are all scored from the row before it: after the first, no row is evaluated, and every score
    /// is a fresh evaluation's.
    @Test func answersThatPartAtTheLastTokenCostNoRows() throws {
        let model = try TestModel.weights()
        let encode = { (text: String) in model.tokenizer.encode(text, parseSpecial: true, addBOS: false) }
        let context = encode(Self.context)
        let continuations = [" bark", " yes", " no", " maybe"].map {
            encode("<|im_start|>user\nAnimal: dog<|im_end|>\n<|im_start|>assistant\nSound:\($0)")
        }
        #expect(Set(continuations.map { $0.dropLast() }).count == 1, "one token apart, at the end")
        let session = try TestModel.session()
        let shared = try session.score(context: context, continuations: continuations)
        #expect(session.evaluatedTokenCount == context.count + continuations[0].count - 1,
                "only the first continuation's rows: \(session.evaluatedTokenCount)")
        var fresh: [[TokenScore]] = []
        for continuation in continuations {
            fresh.append(try TestModel.session().score(context: context, continuations: [continuation])[0])
        }
        #expect(shared == fresh)
    }

    /// The branch rows of sorted sequences: where each later one parts from the k-th, hand-checked;
    /// none at the k-th's last row (never evaluated) or where a later one is the k-th's prefix.
    @Test func branchesAreWhereLaterSequencesPart() {
        let sequences: [[Int32]] = [[1, 2, 3, 4], [1, 2, 5, 6], [1, 2, 5, 7], [1, 7, 8], [1, 7, 8, 9], [2]]
        let shared = zip(sequences, sequences.dropFirst()).map { a, b in zip(a, b).prefix { $0 == $1 }.count }
        #expect(InferenceSession.branches(after: 0, in: sequences, shared: shared) == [1: [5], 0: [7]])
        #expect(InferenceSession.branches(after: 1, in: sequences, shared: shared) == [2: [7], 0: [7]])
        #expect(InferenceSession.branches(after: 3, in: sequences, shared: shared) == [:], "[1, 7, 8, 9] parts after the last row")
        #expect(InferenceSession.branches(after: 5, in: sequences, shared: shared) == [:])
    }

    @Test func referenceArithmeticPrefixReuseIsExact() async throws {
        // Without activation quantization, the split of work into batches cannot change the numbers
        // beyond float summation order. Seconds of scalar arithmetic: on a Dispatch thread
        // (`blocking`), not one of the cooperative pool's two, which other suites' async tests need.
        let (shared, fresh) = try await blocking { () throws -> ([[TokenScore]], [[TokenScore]]) in
            let model = try TestModel.weights()
            let session = try TestModel.session(contextLength: 128)
            session.usesReferenceArithmetic = true
            let context = model.tokenizer.encode(Self.context, parseSpecial: true, addBOS: false)
            let continuations = Self.continuations.prefix(2).map { model.tokenizer.encode($0, parseSpecial: true, addBOS: false) }
            let shared = try session.score(context: context, continuations: Array(continuations))
            var fresh: [[TokenScore]] = []
            for continuation in continuations {
                session.reset()
                fresh.append(try session.score(context: context, continuations: [continuation])[0])
            }
            return (shared, fresh)
        }
        #expect(Self.largestDifference(shared, fresh) < 1e-4)
    }

    @Test func tokenByTokenDecodingEqualsBatchPrefill() throws {
        let model = try TestModel.weights()
        let session = try TestModel.session()
        let tokens = model.tokenizer.encode(Self.context + Self.continuations[0], parseSpecial: true, addBOS: false)
        let vocab = model.config.vocabularySize
        var batch: [TokenScore] = []
        try session.append(tokens[...], logitsFrom: 0) { index, logits in
            if index + 1 < tokens.count { batch.append(TokenScore.score(logits: logits, vocabularySize: vocab, token: tokens[index + 1])) }
        }
        session.reset()
        var stepwise: [TokenScore] = []
        for index in tokens.indices {
            try session.append(tokens[index...index], logitsFrom: 0) { _, logits in
                if index + 1 < tokens.count { stepwise.append(TokenScore.score(logits: logits, vocabularySize: vocab, token: tokens[index + 1])) }
            }
        }
        // One-token steps sum attention in llama.cpp's decode order, batches in its batch order (the
        // engine repeats both); on this sensitive model that moves some tokens a little, exactly as
        // llama.cpp's own decode steps differ from its batches.
        let differences = zip(batch, stepwise).map { abs($0.logprob - $1.logprob) }
        let mean = differences.reduce(0, +) / Double(differences.count)
        print("decode vs prefill: mean |Δ ln p| \(mean), largest \(differences.max()!)")
        #expect(mean < 0.1)
        #expect(zip(batch, stepwise).filter { $0.top != $1.top }.count <= 2)
    }

    @Test func referenceArithmeticDecodingEqualsPrefill() async throws {
        // Seconds of scalar arithmetic: on a Dispatch thread (`blocking`).
        let (batch, stepwise) = try await blocking { () throws -> ([TokenScore], [TokenScore]) in
            let model = try TestModel.weights()
            let session = try TestModel.session(contextLength: 64)
            session.usesReferenceArithmetic = true
            let tokens = model.tokenizer.encode(Self.continuations[3], parseSpecial: true, addBOS: false)
            let batch = try session.score(tokens, from: 0)
            session.reset()
            for index in tokens.indices.dropLast() { _ = try session.score(Array(tokens[...index]), from: 0) }
            return (batch, try session.score(tokens, from: 0))
        }
        #expect(Self.largestDifference([batch], [stepwise]) < 1e-4)
    }

    @Test func smallBatchesEqualOneBatch() throws {
        let model = try TestModel.weights()
        let tokens = model.tokenizer.encode(Self.context + Self.continuations[1], parseSpecial: true, addBOS: false)
        let whole = try TestModel.session()
        let split = try TestModel.session(batchCapacity: 7)
        let a = try whole.score(tokens, from: 0)
        let b = try split.score(tokens, from: 0)
        #expect(split.tokens == tokens.dropLast(), "the last token's row scores nothing and is not evaluated")
        let difference = Self.largestDifference([a], [b])
        print("batches of 7 vs one batch: largest |Δ ln p| \(difference)")
        // The last batch may hold one token (decode order), so not exactly 0 in general.
        #expect(difference < 0.05)
    }

    @Test func contextOverflowIsAnError() throws {
        let session = try TestModel.session(contextLength: 16)
        let tokens = [Int32](repeating: 198, count: 17)
        #expect(throws: LanguageModelError.contextOverflow(needed: 17, limit: 16)) {
            _ = try session.score(tokens, from: 0)
        }
        #expect(throws: LanguageModelError.self) {
            _ = try session.score([1, 2, 999_999], from: 0)
        }
    }
}
