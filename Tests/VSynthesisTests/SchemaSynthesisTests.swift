import Foundation
import JSONSchema
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// Synthesis on the real model for a file with a JSON output schema: the output step samples under
/// the schema's grammar, so every generation that reaches the filter is a valid document.
@Suite(.serialized) struct SchemaSynthesisTests {
    @Test func everySynthesizedOutputValidatesAgainstTheOutputSchema() async throws {
        let url = TestFiles.examples.appendingPathComponent("extract.prompt")
        let document = try PromptDocument(contentsOfFile: url.path)
        let schema = try #require(document.jsonOutputSchema)
        var options = SynthesisOptions()
        options.scale = 4
        options.count = 4
        options.candidatesPerRound = 4
        options.references = 1
        options.seed = 3
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: try #require(document.task?.text), format: document.demonstrationFormat,
            existing: document.demonstrationPairs, options: options)
        #expect(result.drops[.schema] == 0, "drops \(result.drops.counts)")
        let synthesized = result.pool.filter { $0.origin == .synthesized }
        #expect(synthesized.count >= 3, "parse rate \(result.parseRate), drops \(result.drops.counts)")
        for item in synthesized {
            #expect(try schema.violation(in: item.demonstration.output) == nil, "\(item.demonstration.output)")
        }
    }
}
