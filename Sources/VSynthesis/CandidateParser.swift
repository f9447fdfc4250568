import PromptFile
/// Turns generated text into demonstrations in the file's layout. The generation prompt shows
/// examples as `Label: value` lines (the format's labels, or `Input`/`Output` for a format without
/// labels), so the model's continuation is read the same way: an input line, then an output line,
/// each value running until the next label line or a blank line.
public struct CandidateParser: Sendable {
    public var format: DemonstrationFormat

    public init(format: DemonstrationFormat) {
        self.format = format
    }

    /// The labels the generation prompt writes (never empty).
    public var inputLabel: String { format.promptInputLabel }
    public var outputLabel: String { format.promptOutputLabel }

    /// One example as the generation prompt writes it.
    public func render(input: String, output: String) -> String {
        "\(inputLabel): \(input)\n\(outputLabel): \(output)"
    }

    /// Every complete (input, output) pair of `text`, as raw values in order. Text before the first
    /// input label and an input without an output are ignored.
    public func values(in text: String) -> [(input: String, output: String)] {
        enum Field { case none, input, output }
        var pairs: [(input: String, output: String)] = []
        var field = Field.none
        var input: [String] = []
        var output: [String] = []
        func finish() {
            let x = input.joined(separator: "\n").trimmingWhitespace
            let y = output.joined(separator: "\n").trimmingWhitespace
            if field == .output, !x.isEmpty, !y.isEmpty { pairs.append((x, y)) }
            input = []
            output = []
            field = .none
        }
        let inputPrefix = inputLabel.lowercased() + ":"
        let outputPrefix = outputLabel.lowercased() + ":"
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let lowered = line.trimmingWhitespace.lowercased()
            // The output label is checked first: some formats use the same word for both.
            if field == .input, lowered.hasPrefix(outputPrefix) {
                field = .output
                output = [Self.value(after: outputLabel, in: line)]
            } else if lowered.hasPrefix(inputPrefix) {
                finish()
                field = .input
                input = [Self.value(after: inputLabel, in: line)]
            } else if line.trimmingWhitespace.isEmpty {
                if field == .output { finish() } else if field == .input, !input.isEmpty { input.append("") }
            } else if field == .input {
                input.append(line)
            } else if field == .output {
                output.append(line)
            }
        }
        finish()
        return pairs
    }

    /// Every complete pair of `text` as demonstrations in the file's format.
    public func demonstrations(in text: String) -> [Demonstration] {
        values(in: text).map { format.demonstration(input: $0.input, output: $0.output) }
    }

    static func value(after label: String, in line: String) -> String {
        let trimmed = line.trimmingWhitespace
        return String(trimmed.dropFirst(label.count + 1)).trimmingWhitespace
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
