/// One demonstration as the V-Score frame sees it: the user turn X and the model turn Y, exactly as
/// they appear in the prompt (for a labelled data set: `"{input_label}: {input}"` and
/// `"{output_label}: {output}"`).
public struct Demonstration: Hashable, Sendable, Codable {
    /// The user turn's text (X).
    public var input: String
    /// The model turn's text (Y).
    public var output: String

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}

/// How a task's demonstrations are written: the labels before the input and the output value.
/// An empty label means the turn is the bare value (no `Label: ` prefix).
public struct DemonstrationFormat: Hashable, Sendable, Codable {
    public var inputLabel: String
    public var outputLabel: String

    public init(inputLabel: String, outputLabel: String) {
        self.inputLabel = inputLabel
        self.outputLabel = outputLabel
    }

    /// The turns of a demonstration whose raw values are `input` and `output`.
    public func demonstration(input: String, output: String) -> Demonstration {
        Demonstration(input: Self.labelled(inputLabel, input), output: Self.labelled(outputLabel, output))
    }

    /// The raw values of a demonstration's turns (the label prefix removed where present).
    public func values(of demonstration: Demonstration) -> (input: String, output: String) {
        (Self.unlabelled(inputLabel, demonstration.input), Self.unlabelled(outputLabel, demonstration.output))
    }

    static func labelled(_ label: String, _ value: String) -> String {
        label.isEmpty ? value : "\(label): \(value)"
    }

    static func unlabelled(_ label: String, _ text: String) -> String {
        let prefix = "\(label): "
        if !label.isEmpty, text.hasPrefix(prefix) { return String(text.dropFirst(prefix.count)) }
        return text
    }
}
