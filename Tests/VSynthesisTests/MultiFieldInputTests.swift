import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// Inputs as the file will receive them: a user turn with several fields is rendered from generated
/// field values, and a field may span lines.
@Suite struct MultiFieldInputTests {
    static let file = """
    ---
    vsynth:
      task: Answer the question from the context.
      output_label: Answer
    ---
    {{role "system"}}
    Answer from the context only.
    {{!-- vsynth:demos --}}
    {{!-- /vsynth:demos --}}
    {{role "user"}}
    Question: {{question}}
    Context: {{context}}
    """

    @Test func templateParsesRendersAndReadsBack() throws {
        let template = try #require(InputTemplate("Question: {{question}}\nContext: {{ context }}\n"))
        #expect(template.fields == ["question", "context"])
        let rendered = template.render(["question": "Who?", "context": "Line one.\nLine two."])
        #expect(rendered == "Question: Who?\nContext: Line one.\nLine two.")
        #expect(template.values(in: rendered) == ["question": "Who?", "context": "Line one.\nLine two."])
        #expect(template.values(in: "Something else") == nil)
        #expect(InputTemplate("{{#if x}}a{{/if}}") == nil)
        #expect(InputTemplate("no fields") == nil)
        #expect(InputTemplate("{{history}}\n{{question}}") == nil)
        #expect(InputTemplate.promptLabel("order_id") == "Order id")
    }

    @Test func fileUserTurnIsTheInputTemplate() throws {
        let document = PromptDocument(text: Self.file, path: "qa.prompt")
        let template = try #require(document.demonstrationFormat.inputTemplate)
        #expect(template.fields == ["question", "context"])
        // One field: today's bare-value layout.
        let single = PromptDocument(text: Self.file.replacingOccurrences(of: "\nContext: {{context}}", with: ""))
        #expect(single.demonstrationFormat.inputTemplate == nil)
    }

    @Test func promptGeneratesEachFieldInOrder() {
        let format = PromptDocument(text: Self.file).demonstrationFormat
        let prompt = GenerationPrompt(template: .chatML, task: "Answer.", format: format)
        #expect(prompt.fieldLabels == ["Question", "Context"])
        let references = [(input: "Question: Who?\nContext: Ann did.\nIt was late.", output: "Ann")]
        let first = prompt.fieldPrompt(references: references, fields: [])
        #expect(first.hasSuffix("Question: Who?\nContext: Ann did.\nIt was late.\nAnswer: Ann\n\nQuestion:"))
        #expect(prompt.fieldPrompt(references: references, fields: ["Why?"]).hasSuffix("\n\nQuestion: Why?\nContext:"))
        #expect(prompt.outputPrompt(references: references, fields: ["Why?", "Because."]).hasSuffix("Context: Because.\nAnswer:"))
        // The question sits on a line of its own above the context: it ends at its line's end, or
        // where the answer label starts mid-line; the context (last) may span lines.
        #expect(prompt.stop(afterField: 0).prefix(2) == ["\n", "\nContext:"])
        #expect(prompt.stop(afterField: 0).contains(" Answer:"))
        #expect(!prompt.stop(afterField: 1).contains("\n"))
        #expect(prompt.stop(afterField: 1).contains("\nAnswer:"))
        #expect(prompt.stop(afterField: 1).contains(" Answer:"))
    }

    @Test func aFieldIsOneLineWhenTheTemplateGoesOnBelowIt() throws {
        let template = try #require(InputTemplate("Subject: {{subject}}\nBody: {{body}}\n"))
        #expect(template.isOneLine("subject"))
        #expect(!template.isOneLine("body"), "the last field, only a line break after it")
        // Two fields on one line: neither ends at a line break of its own.
        let inline = try #require(InputTemplate("From {{from}} to {{to}}:\n{{text}}"))
        #expect(!inline.isOneLine("from"))
        #expect(!inline.isOneLine("to"), "followed by ':' on the same line")
        #expect(!inline.isOneLine("text"))
        // A field directly followed by another field on the next line.
        let stacked = try #require(InputTemplate("{{title}}\n{{text}}"))
        #expect(stacked.isOneLine("title"))
        #expect(!template.isOneLine("missing"))
    }

    /// The loop on a model that answers each step by the label the prompt ends with: the
    /// demonstrations' user turns are the file's template rendered, the multi-line context kept whole.
    @Test func synthesizedDemonstrationsRenderTheFileTemplate() async throws {
        let format = PromptDocument(text: Self.file).demonstrationFormat
        let model = FieldModel()
        var options = SynthesisOptions()
        options.scale = 3
        options.count = 2
        options.seed = 4
        let result = try await Synthesizer(model: model).synthesize(definition: "Answer the question from the context.",
                                                                    format: format, options: options)
        #expect(result.selected.count == 2, "\(result.drops.counts)")
        for item in result.selected {
            let values = try #require(format.inputTemplate?.values(in: item.demonstration.input))
            #expect(item.demonstration.input.hasPrefix("Question: "))
            #expect(values["context"]?.contains("\n") == true, "\(item.demonstration.input)")
            #expect(item.demonstration.output.hasPrefix("answer "))
        }
    }

    /// A single-field file: the input step no longer ends at the first line break.
    @Test func singleFieldInputSpansLines() async throws {
        let format = DemonstrationFormat(inputLabel: "Email", outputLabel: "Summary", labelledTurns: false)
        let model = FieldModel()
        var options = SynthesisOptions()
        options.scale = 2
        options.count = 2
        let result = try await Synthesizer(model: model).synthesize(definition: "Summarize the email.",
                                                                    format: format, options: options)
        #expect(result.selected.count == 2, "\(result.drops.counts)")
        #expect(result.selected.allSatisfy { $0.demonstration.input.split(separator: "\n").count == 3 })
    }
}

/// Answers by the line label a prompt ends with, honouring stop strings as an engine does; every
/// value is numbered so candidates differ. A stand-in for bookkeeping only.
final class FieldModel: LanguageModel, @unchecked Sendable {
    let identity = ModelIdentity(backend: "test", model: "fields", revision: "1")
    let template = ChatTemplate.chatML
    private let lock = NSLock()
    private var calls = 0

    func tokenize(_ text: String) async throws -> [Int32] { text.unicodeScalars.map { Int32($0.value) } }

    func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        continuations.map { ContinuationScore(tokenLogprobs: $0.map { _ in -1 }, tokenTexts: $0.map(String.init)) }
    }

    func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        let n = lock.withLock { calls += 1; return calls }
        let word = { (k: Int) in DistinctWords.word(n * k + k) }
        let text: String
        if prompt.hasSuffix("Question:") {
            text = " What happened to the \(word(3))?\nContext: (the model runs on)"
        } else if prompt.hasSuffix("Context:") {
            text = " Dear \(word(5)),\n\(word(7)) \(word(11)) \(n * 7).\nBo\nAnswer: x"
        } else if prompt.hasSuffix("Email:") {
            text = " Dear \(word(5)),\n\(word(7)) \(word(11)) \(n * 7).\nBo\nSummary: y"
        } else {
            text = " answer \(n)\nQuestion: more"
        }
        var cut = text
        for stop in options.stop {
            if let range = cut.range(of: stop) { cut = String(cut[..<range.lowerBound]) }
        }
        return Generation(text: cut, tokenCount: cut.count, finishReason: .stop)
    }
}
