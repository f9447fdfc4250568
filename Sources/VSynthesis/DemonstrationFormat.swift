import Foundation
import JSONSchema
import PromptFile

/// How a task's demonstrations are written. The labels name X and Y when VSynth describes the format
/// to a model (the generation prompt writes `Label: value` lines). Whether the turns themselves carry
/// the label depends on the source: a labelled data set writes `"{input_label}: {input}"` as the user
/// turn (as the reference script does); a prompt file's turns are the bare values.
public struct DemonstrationFormat: Hashable, Sendable, Codable {
    public var inputLabel: String
    public var outputLabel: String
    /// The turn text is `"Label: value"` (data sets) rather than the bare value (prompt files).
    public var labelledTurns: Bool
    /// The JSON schema every output satisfies (the file's `output.schema` with `output.format: json`):
    /// outputs are generated under it and dropped (`schema`) when they do not validate.
    public var outputSchema: Schema?
    /// The task's label set (`vsynth.labels`, a data set's `labels`); empty for free-text outputs.
    /// With labels, every synthesized output is one of them, spelt exactly as here.
    public var labels: [String]
    /// The file's own user turn when it has several input fields: the input is this rendered.
    public var inputTemplate: InputTemplate?

    public init(inputLabel: String, outputLabel: String, labelledTurns: Bool = true, outputSchema: Schema? = nil,
                labels: [String] = [], inputTemplate: InputTemplate? = nil) {
        self.inputLabel = inputLabel
        self.outputLabel = outputLabel
        self.labelledTurns = labelledTurns
        self.outputSchema = outputSchema
        self.labels = labels
        self.inputTemplate = inputTemplate
    }

    /// The label `output` is, spelt as in `labels`: itself when listed, or, with JSON labels, the one
    /// that is the same JSON document written with other spacing or key order (a hand-written
    /// `{"verdict":"spam"}` is the label `{"verdict": "spam"}`); nil when it is none.
    public func label(of output: String) -> String? {
        if labels.contains(output) { return output }
        guard outputSchema != nil, let document = Self.canonicalJSON(output) else { return nil }
        return labels.first { Self.canonicalJSON($0) == document }
    }

    /// A demonstration's output as the label it is (`label(of:)`), or as written when it is none.
    public func labelOrOutput(of demonstration: Demonstration) -> String {
        let output = values(of: demonstration).output
        return label(of: output) ?? output
    }

    /// `text` as one JSON layout (no spaces, keys sorted), or nil when it is not JSON.
    static func canonicalJSON(_ text: String) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The labels the generation prompt writes (never empty).
    public var promptInputLabel: String { inputLabel.isEmpty ? "Input" : inputLabel }
    public var promptOutputLabel: String { outputLabel.isEmpty ? "Output" : outputLabel }

    /// The turns of a demonstration whose raw values are `input` and `output`.
    public func demonstration(input: String, output: String) -> Demonstration {
        guard labelledTurns else { return Demonstration(input: input, output: output) }
        return Demonstration(input: Self.labelled(inputLabel, input), output: Self.labelled(outputLabel, output))
    }

    /// The raw values of a demonstration's turns (the label prefix removed where the turns carry it).
    public func values(of demonstration: Demonstration) -> (input: String, output: String) {
        guard labelledTurns else { return (demonstration.input, demonstration.output) }
        return (Self.unlabelled(inputLabel, demonstration.input), Self.unlabelled(outputLabel, demonstration.output))
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
