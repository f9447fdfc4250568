import LanguageModel
import PromptFile

/// The prompt that asks the model for one new demonstration. A 135M chat model follows a pattern far
/// better than an instruction, so the prompt states the task in the user turn and then *starts the
/// assistant's answer* with the reference examples written as `Label: value` lines, ending on the
/// next input label: the model continues the list with one new example, which `CandidateParser` reads
/// back. Generation stops at the blank line that ends the example.
public struct GenerationPrompt: Sendable {
    public var template: ChatTemplate
    public var task: String
    public var parser: CandidateParser

    public init(template: ChatTemplate, task: String, format: DemonstrationFormat) {
        self.template = template
        self.task = task
        self.parser = CandidateParser(format: format)
    }

    /// The text up to where the model continues, for `references` given as raw (input, output) values.
    public func prompt(references: [(input: String, output: String)]) -> String {
        let instruction = """
        Task: \(task)
        Write new and different examples of this task. Each example has a line "\(parser.inputLabel): ..." \
        and a line "\(parser.outputLabel): ..." with the correct answer.
        """
        var answer = ""
        for reference in references {
            answer += parser.render(input: Self.oneLine(reference.input), output: Self.oneLine(reference.output)) + "\n\n"
        }
        answer += "\(parser.inputLabel):"
        return template.systemTurn("You are a helpful assistant that writes examples for a task.")
            + template.userTurn(instruction) + template.assistantPrefix + answer
    }

    /// Where the model's continuation is read from: the prompt's last line (`Label:`) plus the text.
    public func completion(_ generated: String) -> String {
        "\(parser.inputLabel):" + generated
    }

    /// Stop strings: the blank line after the example, or the end of the turn.
    public var stop: [String] {
        ["\n\n", template.turnSuffix.trimmingWhitespace].filter { !$0.isEmpty }
    }

    /// Multi-line references are shown on one line so the list keeps one shape.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }.joined(separator: " ")
    }
}
