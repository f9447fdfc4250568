import LanguageModel

/// The prompts that ask the model for one new demonstration. A 135M chat model follows a pattern far
/// better than an instruction, so the prompt states the task in the user turn and then *starts the
/// assistant's answer* with the reference examples written as `Label: value` lines. The example is
/// generated in guided steps: after each input field's label (`InputLabel:`, or every field of a
/// multi-field file in order) the model writes that value, which ends where the prompt's next line
/// label (the next field's, the output's, or a new example's) begins, so a value may span lines (an
/// email, a paragraph, code); then `OutputLabel:` is appended and it writes the output, one line.
/// The layout is thereby fixed by the prompt rather than left to the model, which with SmolLM2-135M
/// from scratch raised the parseable share from 2 in 10 (one free-form continuation) to 9 in 10.
///
/// With a label set the output is not generated at all: the synthesizer scores every label after
/// the output label. For `SynthesisOptions.LabelStrategy.target` the instruction names the label the
/// next example should have. (Writing the output line first in every example, so the input follows
/// a given label, made SmolLM2-135M write the label itself or "..." as the input: 0 of 24 kept.)
public struct GenerationPrompt: Sendable {
    public var template: ChatTemplate
    public var task: String
    public var parser: CandidateParser
    /// An input value may hold blank lines (paragraphs). Off unless the file's own demonstrations
    /// have them: a 135M model otherwise goes on after its example with a blank line and a comment
    /// about it ("The example above is a positive example."), which would become part of the input.
    public var paragraphs: Bool

    public init(template: ChatTemplate, task: String, format: DemonstrationFormat, paragraphs: Bool = false) {
        self.template = template
        self.task = task
        self.parser = CandidateParser(format: format)
        self.paragraphs = paragraphs
    }

    public var format: DemonstrationFormat { parser.format }

    /// The labels the example's input lines are written under, in generation order: the file's
    /// input fields when its user turn has several, else the input label.
    public var fieldLabels: [String] {
        guard let fields = format.inputTemplate?.fields, fields.count > 1 else { return [parser.inputLabel] }
        return fields.map(InputTemplate.promptLabel)
    }

    /// The raw input of a demonstration as one value per field; nil when a multi-field input does
    /// not have the file's template shape.
    public func fieldValues(of input: String) -> [String]? {
        guard let inputTemplate = format.inputTemplate, inputTemplate.fields.count > 1 else { return [input] }
        guard let values = inputTemplate.values(in: input) else { return nil }
        return inputTemplate.fields.map { values[$0] ?? "" }
    }

    /// The raw input of generated field values: the file's user turn rendered with them, or the
    /// one value.
    public func input(fromFields values: [String]) -> String {
        guard let inputTemplate = format.inputTemplate, inputTemplate.fields.count > 1 else { return values.first ?? "" }
        return inputTemplate.render(Dictionary(zip(inputTemplate.fields, values), uniquingKeysWith: { a, _ in a }))
    }

    /// The lines of one example; `output` nil leaves the output line out.
    func lines(fields: [String], output: String?) -> [String] {
        let inputLines = zip(fieldLabels, fields).map { "\($0): \($1)" }
        guard let output else { return inputLines }
        return inputLines + ["\(parser.outputLabel): \(output)"]
    }

    /// The instruction and the references, up to where the new example starts.
    func head(references: [(input: String, output: String)], target: String? = nil) -> String {
        let lineNames = (fieldLabels + [parser.outputLabel]).map { "\"\($0): ...\"" }
        var instruction = """
        Task: \(task)
        Write new and different examples of this task. Each example has the lines \(lineNames.joined(separator: ", ")), \
        where "\(parser.outputLabel)" is the correct answer.
        """
        if !format.labels.isEmpty {
            instruction += "\n\"\(parser.outputLabel)\" is always one of: \(format.labels.joined(separator: ", "))."
        }
        if let target { instruction += "\nWrite the next example so that its \"\(parser.outputLabel)\" is \(target)." }
        var answer = ""
        for reference in references {
            guard let fields = fieldValues(of: reference.input) else { continue }
            answer += lines(fields: fields, output: reference.output).joined(separator: "\n") + "\n\n"
        }
        return template.prompt(system: "You are a helpful assistant that writes examples for a task.", user: instruction)
            + answer
    }

    /// The prompt up to where the model writes the next input field, after `fields` were written;
    /// `target` is the label the instruction asks the example to have.
    public func fieldPrompt(references: [(input: String, output: String)], fields: [String], target: String? = nil) -> String {
        var lines = lines(fields: fields, output: nil)
        lines.append("\(fieldLabels[min(fields.count, fieldLabels.count - 1)]):")
        return head(references: references, target: target) + lines.joined(separator: "\n")
    }

    /// The prompt up to where the model writes the new example's (first) input.
    public func inputPrompt(references: [(input: String, output: String)]) -> String {
        fieldPrompt(references: references, fields: [])
    }

    /// The prompt up to where the model writes the output for the input fields it wrote.
    public func outputPrompt(references: [(input: String, output: String)], fields: [String]) -> String {
        head(references: references) + (lines(fields: fields, output: nil) + ["\(parser.outputLabel):"]).joined(separator: "\n")
    }

    /// The prompt up to where the model writes the output for the `input` it wrote (one field).
    public func outputPrompt(references: [(input: String, output: String)], input: String) -> String {
        outputPrompt(references: references, fields: [input])
    }

    /// The example as text in the prompt's layout, for `CandidateParser` (single-field files).
    public func completion(input: String, output: String) -> String {
        "\(parser.inputLabel): \(input)\n\(parser.outputLabel): \(output)"
    }

    /// The output step ends at its line's end or the end of the turn.
    public var stop: [String] {
        ["\n", template.turnSuffix.trimmingWhitespace].filter { !$0.isEmpty }
    }

    /// An input field's step ends where the next line label of the layout begins (the next field's,
    /// the output's, or a new example's), at a blank line unless `paragraphs`, or at the end of the
    /// turn; not at a line break, except for a field the file's user turn keeps on one line
    /// (`InputTemplate.isOneLine`: a subject above its body). In a multi-field file it also ends
    /// where the output label begins mid-line (`… , Team: billing`): SmolLM2-135M ran a ticket's
    /// subject on into answer lines without a line break.
    public func stop(afterField index: Int) -> [String] {
        var stops = fieldLabels.map { "\n\($0):" } + ["\n\(parser.outputLabel):"] + (paragraphs ? [] : ["\n\n"])
        if index + 1 < fieldLabels.count { stops.insert("\n\(fieldLabels[index + 1]):", at: 0) }
        if let inputTemplate = format.inputTemplate, inputTemplate.fields.count > 1 {
            if inputTemplate.isOneLine(inputTemplate.fields[index]) { stops.insert("\n", at: 0) }
            stops.append(" \(parser.outputLabel):")
        }
        stops.append(template.turnSuffix.trimmingWhitespace)
        var seen = Set<String>()
        return stops.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The input whose label scores are the model's prior over the labels in the generation prompt
    /// (`.argmax`, `.score`).
    public static let contentFree = "N/A"
    /// Inputs that carry no content, so that whatever a classifier answers for them is its bias:
    /// contextual calibration's three (Zhao et al. 2021). The zero-shot labels' prior
    /// (`Synthesizer.labelPrior`) and the order's probes (`DemonstrationOrder`) read them.
    public static let contentFreeInputs = [contentFree, "", "[MASK]"]

    /// An input value without what follows a line that opens with a label of its own (`Echo: …`,
    /// `Note: …`): the model has left the value and started lines of another shape, which would
    /// otherwise become part of the input.
    public static func firstLines(_ text: String) -> String {
        var kept: [Substring] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0, let colon = line.firstIndex(of: ":"), line.distance(from: line.startIndex, to: colon) <= 24,
               let first = line.first, first.isUppercase,
               line[..<colon].allSatisfy({ $0.isLetter || $0 == " " }) {
                break
            }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    /// A generated value as it goes into the example: trimmed, and without the list numbering
    /// ("3. ") and the quotes a small model likes to wrap whole values in.
    public static func cleaned(_ text: String) -> String {
        var value = firstLines(text).trimmingWhitespace
        let digits = value.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 2, value.dropFirst(digits.count).hasPrefix(". ") {
            value = String(value.dropFirst(digits.count + 2)).trimmingWhitespace
        }
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" || first == "`" {
            value = String(value.dropFirst().dropLast()).trimmingWhitespace
        }
        return value
    }
}
