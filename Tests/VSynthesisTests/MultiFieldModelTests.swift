import Foundation
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// Multi-field inputs on the real model, on the shipped `examples/support-triage.prompt` (a user
/// turn of `Subject: {{subject}}` and `Body: {{body}}`): every synthesized demonstration's user turn
/// is that template rendered with the generated values, each value non-empty, and the output is one
/// of the file's labels as spelled.
@Suite(.serialized) struct MultiFieldModelTests {
    @Test func synthesizedUserTurnsAreTheFileTemplateRendered() async throws {
        let url = TestFiles.examples.appendingPathComponent("support-triage.prompt")
        let document = try PromptDocument(contentsOfFile: url.path)
        let format = document.demonstrationFormat
        let template = try #require(format.inputTemplate)
        #expect(template.fields == ["subject", "body"])
        var options = SynthesisOptions()
        options.count = 3
        options.scale = 4
        options.candidatesPerRound = 4
        options.seed = 3
        // The engine decodes on its own thread (EngineWorker), not the cooperative pool.
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: try #require(document.task?.text), format: format, existing: document.demonstrationPairs,
            options: options)
        let synthesized = result.pool.filter { $0.origin == .synthesized }
        #expect(synthesized.count >= 3, "parse rate \(result.parseRate), drops \(result.drops.counts)")
        for item in synthesized {
            let input = item.demonstration.input
            let values = try #require(template.values(in: input), "not the template: \(input)")
            #expect(template.render(values) == input)
            #expect(values["subject"].map { !$0.isEmpty } == true && values["body"].map { !$0.isEmpty } == true, "\(values)")
            #expect(format.labels.contains(item.demonstration.output), "\(item.demonstration.output)")
        }
        print("multi-field: \(synthesized.count) synthesized, parse rate \(result.parseRate), e.g. \(synthesized.first.map { $0.demonstration.input.debugDescription } ?? "-")")
    }
}
