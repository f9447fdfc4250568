import Foundation
import JSONSchema
import LanguageModel
import Testing
@testable import Backends

/// Which request field constrains a server's JSON outputs is probed, not assumed: against the real
/// llama-cpp-python server the tests start (whose `/v1/completions` ignores `response_format` and
/// takes only a GBNF `grammar`), and against fakes that honour one field or none.
@Suite(.serialized) struct ConstraintProbeTests {
    /// Nested objects, arrays, enums, optional and nullable fields; bounds keep generations short.
    static let schemas: [(name: String, schema: Schema, request: String)] = [
        ("ticket", .object([
            SchemaProperty("queue", .enumeration(["billing", "technical", "account"])),
            SchemaProperty("priority", Schema(.integer)),
            SchemaProperty("summary", Schema(.string, nullable: true, maxLength: 24), required: false),
        ]), "My invoice is wrong and I was charged twice."),
        ("trip", .object([
            SchemaProperty("from", .object([
                SchemaProperty("city", .enumeration(["Paris", "Rome", "Oslo"])),
                SchemaProperty("day", Schema(.integer), required: false),
            ])),
            SchemaProperty("stops", .array(.enumeration(["Lyon", "Milan", "Bern"]), maxItems: 2)),
            SchemaProperty("train", Schema(.boolean), required: false),
        ]), "From Paris on the 3rd by train, via Lyon and Milan."),
        ("basket", .object([
            SchemaProperty("lines", .array(.object([
                SchemaProperty("item", .enumeration(["tea", "milk", "bread"])),
                SchemaProperty("count", Schema(.number)),
            ]), maxItems: 2)),
            SchemaProperty("paid", Schema(.boolean, nullable: true), required: false),
        ]), "Two teas and a bread, not paid yet."),
    ]

    /// `backend check`'s finding on the real server: grammar, and outputs sampled under each
    /// schema's grammar all validate (18 seeded generations at temperature 1).
    @Test func realServerConstrainsThroughTheGrammarAndEveryOutputValidates() async throws {
        guard let url = TestServer.url() else { return }
        let backend = try await OpenAIBackend.connect(TestServer.configuration(url))
        let capabilities = await backend.capabilities()
        #expect(capabilities.constraint == .grammar)
        #expect(capabilities.summary.contains("schema:   grammar"))
        #expect(capabilities.notes.contains { $0.contains("constrained with 'grammar'") })
        var failures: [String] = []
        for item in Self.schemas {
            let prompt = backend.template.systemTurn("Answer with JSON only.") + backend.template.userTurn(item.request)
                + backend.template.assistantPrefix
            for seed in 0..<6 {
                let options = GenerationOptions(maxTokens: 80, temperature: 1, seed: UInt64(seed), constraint: .json(item.schema))
                let generation = try await backend.generate(prompt: prompt, options: options)
                if let violation = try item.schema.violation(in: generation.text) {
                    failures.append("\(item.name) seed \(seed): \(generation.text) — \(violation)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // The same requests without the grammar: the probe found a field that matters, not one the
        // server ignores (the 135M model rarely writes valid JSON for these on its own).
        var invalidWithoutGrammar = 0
        for item in Self.schemas {
            let prompt = backend.template.systemTurn("Answer with JSON only.") + backend.template.userTurn(item.request)
                + backend.template.assistantPrefix
            for seed in 0..<2 {
                let text = try await backend.generate(prompt: prompt, options: GenerationOptions(maxTokens: 80, temperature: 1,
                                                                                                 seed: UInt64(seed))).text
                if !Self.validates(item.schema, text) { invalidWithoutGrammar += 1 }
            }
        }
        #expect(invalidWithoutGrammar > 0)
    }

    static func validates(_ schema: Schema, _ text: String) -> Bool {
        do { return try schema.violation(in: text) == nil } catch { return false }
    }

    /// A fake OpenAI-style server that honours `response_format` and nothing else: the probe picks
    /// it, and constrained generations carry it (with the schema) while free ones do not.
    @Test func serverHonouringResponseFormatGetsResponseFormat() async throws {
        let server = try FakeHTTPServer { request in
            let body = request.json ?? [:]
            let text = body["response_format"] != nil ? #"{"probe": "vsynth-7f3a"}"# : "Hello there"
            return .json(["choices": [["text": text, "finish_reason": "stop"]], "usage": ["completion_tokens": 3]])
        }
        let backend = LogprobValidationTests.openAIBackend(server)
        #expect(await backend.capabilities().constraint == .responseFormat)
        let schema = Schema.object([SchemaProperty("a", Schema(.integer))])
        _ = try await backend.generate(prompt: "x", options: GenerationOptions(maxTokens: 8, constraint: .json(schema)))
        _ = try await backend.generate(prompt: "x", options: GenerationOptions(maxTokens: 8))
        let generations = server.requests.suffix(2).compactMap(\.json)
        let format = try #require(generations.first?["response_format"] as? [String: Any])
        let sent = try #require((format["json_schema"] as? [String: Any])?["schema"] as? [String: Any])
        #expect(sent["required"] as? [String] == ["a"])
        #expect(generations.last?["response_format"] == nil)
        // Probed once: response_format was the first form tried, and no later request probed again.
        #expect(server.requests.filter { ($0.json?["prompt"] as? String)?.contains("Say hello.") == true }.count == 1)
    }

    /// A server that ignores every constraint field: none is used, `backend check` says so, and a
    /// constrained generation goes out without any (its output is validated by the caller).
    @Test func serverIgnoringEveryFieldHasNone() async throws {
        let server = try FakeHTTPServer { _ in
            .json(["choices": [["text": "{\"probe\": \"nope\"}", "finish_reason": "stop"]], "usage": ["completion_tokens": 3]])
        }
        let backend = LogprobValidationTests.openAIBackend(server)
        let capabilities = await backend.capabilities()
        #expect(capabilities.constraint == nil)
        #expect(capabilities.summary.contains("schema:   no"))
        #expect(capabilities.notes.contains { $0.contains("tried response_format, guided_json, grammar") })
        let probes = server.requests.count
        #expect(probes == 3)
        _ = try await backend.generate(prompt: "x", options: GenerationOptions(constraint: .json(ConstraintProbe.schema)))
        #expect(server.requests.count == probes + 1)
        let last = try #require(server.requests.last?.json)
        #expect(last["response_format"] == nil && last["guided_json"] == nil && last["grammar"] == nil)
    }
}
