import Foundation
import Inference
import JSONSchema
import LanguageModel
import TestSupport
import Testing
import Tokenizer

/// Sampling under a JSON grammar with the real model: every output, whatever the seed, is a
/// complete document the schema accepts. Small schemas and short bounds (`maxItems`, `maxLength`)
/// keep the 200 generations to a few thousand tokens.
@Suite(.serialized) struct GrammarSamplingTests {
    /// Nested objects, arrays, enums, optional fields, numbers, booleans and nullable strings.
    static let schemas: [(name: String, schema: Schema, request: String)] = [
        ("review", .object([
            SchemaProperty("label", .enumeration(["positive", "negative", "neutral"])),
            SchemaProperty("stars", Schema(.integer)),
            SchemaProperty("note", Schema(.string, nullable: true, maxLength: 16), required: false),
        ]), "Rate this review: 'Great phone, but the battery is weak.'"),
        ("meeting", .object([
            SchemaProperty("when", .object([
                SchemaProperty("day", .enumeration(["mon", "tue", "wed", "thu", "fri"])),
                SchemaProperty("hour", Schema(.integer), required: false),
            ])),
            SchemaProperty("topics", .array(.enumeration(["budget", "hiring", "travel"]), maxItems: 2)),
            SchemaProperty("urgent", Schema(.boolean), required: false),
        ]), "Meet Tuesday at 10 about the budget and hiring."),
        ("order", .object([
            SchemaProperty("items", .array(.object([
                SchemaProperty("sku", .enumeration(["A1", "B2", "C3"])),
                SchemaProperty("qty", Schema(.integer)),
            ]), maxItems: 2)),
            SchemaProperty("total", Schema(.number), required: false),
        ]), "Two A1 and one C3, 14.50 in all."),
    ]

    static func prompt(_ request: String) -> String {
        ChatTemplate.chatML.systemTurn("Answer with JSON only.") + ChatTemplate.chatML.userTurn(request)
            + ChatTemplate.chatML.assistantPrefix
    }

    /// One generation's outcome, checked after the run.
    struct Outcome: Sendable {
        let name: String, seed: Int, stopped: Bool, text: String, violation: String?, tokens: Int
    }

    @Test func twoHundredSeededGenerationsAllValidate() async throws {
        let started = Date()
        // The generations run on a Dispatch thread (`blocking`): a minute of synchronous decoding
        // must not hold one of the cooperative pool's two threads, which other suites' async tests
        // running in parallel wait on.
        let outcomes = try await blocking {
            let session = try TestModel.session()
            let tokenizer: Tokenizer = session.model.tokenizer
            var outcomes: [Outcome] = []
            for (index, item) in Self.schemas.enumerated() {
                let prompt = tokenizer.encode(Self.prompt(item.request), parseSpecial: true)
                let runs = index == 0 ? 68 : 66
                for seed in 0..<runs {
                    let options = GenerationOptions(maxTokens: 64, temperature: 1.0, seed: UInt64(seed),
                                                    constraint: .json(item.schema))
                    let generation = try session.generate(prompt: prompt, options: options)
                    let violation = try item.schema.violation(in: generation.text)
                    outcomes.append(Outcome(name: item.name, seed: seed, stopped: generation.finishReason == .stop,
                                            text: generation.text, violation: violation.map { String(describing: $0) },
                                            tokens: generation.tokenCount))
                }
            }
            return outcomes
        }
        for outcome in outcomes {
            #expect(outcome.stopped, "\(outcome.name) seed \(outcome.seed): \(outcome.text)")
            #expect(outcome.violation == nil, "\(outcome.name) seed \(outcome.seed): \(outcome.text) — \(outcome.violation ?? "")")
        }
        #expect(outcomes.count == 200)
        let seconds = Date().timeIntervalSince(started)
        let tokens = outcomes.reduce(0) { $0 + $1.tokens }
        print("grammar sampling: 200 generations, \(tokens) tokens in \(String(format: "%.1f", seconds)) s")
    }

    /// Greedy decoding under the grammar, and the same seed twice: the same text.
    @Test func constrainedSamplingIsReproducible() throws {
        let session = try TestModel.session()
        let item = Self.schemas[1]
        let prompt = session.model.tokenizer.encode(Self.prompt(item.request), parseSpecial: true)
        let options = GenerationOptions(maxTokens: 64, temperature: 0.9, seed: 5, constraint: .json(item.schema))
        let first = try session.generate(prompt: prompt, options: options)
        let second = try session.generate(prompt: prompt, options: options)
        #expect(first.text == second.text)
        let greedy = try session.generate(prompt: prompt, options: GenerationOptions(maxTokens: 64, constraint: .json(item.schema)))
        #expect(try item.schema.violation(in: greedy.text) == nil, "\(greedy.text)")
    }
}
