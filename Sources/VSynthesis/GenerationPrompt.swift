import LanguageModel

/// The prompts that ask the model for one new demonstration. A 135M chat model follows a pattern far
/// better than an instruction, so the prompt states the task in the user turn and then *starts the
/// assistant's answer* with the reference examples written as `Label: value` lines. The example is
/// generated in two guided steps, each stopping at the end of its line: after `InputLabel:` the model
/// writes the input; then `OutputLabel:` is appended and it writes the output. The layout is thereby
/// fixed by the prompt rather than left to the model, which with SmolLM2-135M from scratch raised the
/// parseable share from 2 in 10 (one free-form continuation) to 9 in 10 (see the module's notes).
public struct GenerationPrompt: Sendable {
    public var template: ChatTemplate
    public var task: String
    public var parser: CandidateParser

    public init(template: ChatTemplate, task: String, format: DemonstrationFormat) {
        self.template = template
        self.task = task
        self.parser = CandidateParser(format: format)
    }

    /// The prompt up to where the model writes the new example's input, for `references` given as
    /// raw (input, output) values.
    public func inputPrompt(references: [(input: String, output: String)]) -> String {
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

    /// The prompt up to where the model writes the output for the `input` it wrote.
    public func outputPrompt(references: [(input: String, output: String)], input: String) -> String {
        inputPrompt(references: references) + " \(input)\n\(parser.outputLabel):"
    }

    /// The example as text in the prompt's layout, for `CandidateParser`.
    public func completion(input: String, output: String) -> String {
        "\(parser.inputLabel): \(input)\n\(parser.outputLabel): \(output)"
    }

    /// Each step ends at its line's end or the end of the turn.
    public var stop: [String] {
        ["\n", template.turnSuffix.trimmingWhitespace].filter { !$0.isEmpty }
    }

    /// A generated value as it goes into the example: trimmed, and without the list numbering
    /// ("3. ") and the quotes a small model likes to wrap whole values in.
    public static func cleaned(_ text: String) -> String {
        var value = text.trimmingWhitespace
        let digits = value.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 2, value.dropFirst(digits.count).hasPrefix(". ") {
            value = String(value.dropFirst(digits.count + 2)).trimmingWhitespace
        }
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" || first == "`" {
            value = String(value.dropFirst().dropLast()).trimmingWhitespace
        }
        return value
    }

    /// Multi-line references are shown on one line so every example keeps one shape.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }.joined(separator: " ")
    }
}
