import LanguageModel
import PromptFile
import Testing
@testable import VSynthesis

/// Issue 11, findings 1 and 5: no number from a model or an option can make VSynthesis trap or
/// hand out a NaN V-Score.
@Suite struct NonFiniteScoreTests {
    /// A model whose every log-probability is `value` (what a damaged file or a broken server gives).
    struct ConstantModel: LanguageModel {
        let identity = ModelIdentity(backend: "test", model: "constant", revision: "1")
        let template = ChatTemplate.chatML
        let value: Double
        func tokenize(_ text: String) async throws -> [Int32] { text.unicodeScalars.map { Int32($0.value) } }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            continuations.map { ContinuationScore(tokenLogprobs: Array(repeating: value, count: max(1, $0.count)),
                                                  tokenTexts: Array(repeating: "x", count: max(1, $0.count))) }
        }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
    }

    let demonstration = Demonstration(input: "Review: fine", output: "Sentiment: positive")

    @Test(arguments: [Double.nan, .infinity, -.infinity, -1e308])
    func aNonFiniteLogProbabilityIsAnErrorNotAScore(value: Double) async throws {
        let scorer = VScorer(model: ConstantModel(value: value))
        do {
            let scores = try await scorer.score(task: "Classify.", demonstrations: [demonstration])
            Issue.record("scored \(scores.map(\.total)) from log-probabilities of \(value)")
        } catch let error as VSynthesisError {
            guard case .nonFiniteScore(let model, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(model.contains("constant"))
            #expect(error.description.contains("non-finite"))
        }
        #expect(scorer.cache.count == 0, "a non-finite score was cached")
        // The batch path refuses it too.
        await #expect(throws: VSynthesisError.self) {
            _ = try await scorer.score(requests: [(task: "Classify.", demonstrations: [demonstration])])
        }
    }

    @Test func finiteLogProbabilitiesStillScore() async throws {
        let scores = try await VScorer(model: ConstantModel(value: -0.5)).score(task: "T", demonstrations: [demonstration])
        #expect(scores.count == 1 && scores[0].total == 0)
    }

    /// Options from any caller, out of `Limits`, are an error naming the option: never an overflow
    /// in the loop bounds (count × attempts trapped with count = Int.max).
    @Test(arguments: ["count", "scale", "candidates", "references", "max-tokens", "attempts"])
    func extremeIntegerOptionsAreRefused(name: String) async {
        let paths: [String: WritableKeyPath<SynthesisOptions, Int>] = [
            "count": \.count, "scale": \.scale, "candidates": \.candidatesPerRound, "references": \.references,
            "max-tokens": \.maxTokens, "attempts": \.maxAttemptsPerDemonstration]
        guard let path = paths[name] else { Issue.record("no key path for \(name)"); return }
        for value in [Int.max, Int.min, -1, 1_000_001] {
            var options = SynthesisOptions()
            options[keyPath: path] = value
            await #expect(throws: VSynthesisError.self, "\(name) = \(value)") {
                _ = try await Synthesizer(model: RecordingModel()).synthesize(
                    definition: "T", format: DemonstrationFormat(inputLabel: "Input", outputLabel: "Output"), options: options)
            }
            #expect(throws: VSynthesisError.self) { try options.validate() }
            do { try options.validate() } catch { #expect(error.description.contains(name), "\(error)") }
        }
    }

    @Test func extremeNumberOptionsAreRefused() {
        let edits: [(String, (inout SynthesisOptions, Double) -> Void)] = [
            ("temperature", { $0.temperature = $1 }), ("top-p", { $0.topP = $1 }),
            ("near-duplicate", { $0.nearDuplicateThreshold = $1 }),
            ("tau", { $0.weighting = .softmax(temperature: $1) }), ("epsilon", { $0.weighting = .clip(epsilon: $1) }),
        ]
        for (name, edit) in edits {
            for value in [Double.nan, .infinity, -.infinity, 1e308, -1] {
                var options = SynthesisOptions()
                edit(&options, value)
                #expect(throws: VSynthesisError.self, "\(name) = \(value)") { try options.validate() }
            }
        }
    }
}
