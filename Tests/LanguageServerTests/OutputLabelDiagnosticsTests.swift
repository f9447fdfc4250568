import Foundation
import JSONRPC
import Testing
@testable import LanguageServer
import PromptFile

/// A hand-written output that is not one of the labels is flagged at the output, live, for both
/// ways of declaring the label set (`vsynth.labels`, an enum `output.schema` with text output),
/// and the flag goes as soon as the text is fixed.
@Suite struct OutputLabelDiagnosticsTests {
    static func text(labels: String) -> String {
        """
        ---
        vsynth.task: Classify the sentiment of the review.
        \(labels)
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        Loved every minute of it.
        {{role "model"}}
        positive
        {{role "user"}}
        The plot made no sense.
        {{role "model"}}
        Negative.
        {{!-- /vsynth:demos --}}

        """
    }

    @Test(arguments: ["vsynth.labels: [positive, negative]",
                      "output:\n  format: text\n  schema: {type: string, enum: [positive, negative]}"])
    func outputOutsideTheLabelSetGetsAnErrorAtTheOutputLive(labels: String) async throws {
        let uri = "file:///tmp/labels.prompt"
        let text = Self.text(labels: labels)
        let session = try TestSession(model: WordCacheModel())
        try await session.initialize()
        try session.open(uri, text)
        let published = try await session.diagnostics(uri) { $0.diagnostics.contains { $0.code == "output-label" } }
        let flagged = published.diagnostics.filter { $0.code == "output-label" }
        #expect(flagged.count == 1)
        let diagnostic = try #require(flagged.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "demonstration 2: output 'Negative.' is not one of the labels positive, negative (did you mean 'negative'?)")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "Negative." }
        #expect(diagnostic.range.start == Position(line: try #require(line), character: 0))
        #expect(diagnostic.range.end == Position(line: line!, character: 9))

        try session.change(uri, version: 2, [TextDocumentContentChangeEvent(
            range: LSPRange(start: .init(line: line!, character: 0), end: .init(line: line!, character: 9)), text: "negative")])
        let fixed = try await session.diagnostics(uri) { $0.version == 2 }
        #expect(!fixed.diagnostics.contains { $0.code == "output-label" })
        await session.close()
    }
}
