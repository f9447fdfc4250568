import Foundation
import JSONSchema

/// A hand-written demonstration whose output is not one of the task's labels.
public struct OutputLabelProblem: Sendable, Hashable {
    /// The demonstration's 0-based index in the region.
    public var index: Int
    /// The output as written.
    public var output: String
    /// A label equal to the output but for case and surrounding punctuation, to suggest.
    public var suggestion: String?
    public var labels: [String]
    /// The output turn's text in the file.
    public var range: SourceRange

    /// `demonstration 2: output 'Positive' is not one of the labels positive, negative (did you mean 'positive'?)`.
    public var message: String {
        var text = "demonstration \(index + 1): output '\(output)' is not one of the labels \(labels.joined(separator: ", "))"
        if let suggestion { text += " (did you mean '\(suggestion)'?)" }
        return text
    }
}

extension PromptDocument {
    /// Where the task's label set comes from.
    public enum LabelSource: String, Sendable, Codable {
        /// `vsynth.labels`.
        case setting = "vsynth.labels"
        /// An `output.schema` that is an enum: its values, written as the output turn must hold them
        /// (JSON text when `output.format` is json, so `"positive"` with its quotes; bare otherwise).
        case outputSchema = "output.schema"
    }

    /// The task's label set and where it comes from: `vsynth.labels` when set, else the values of an
    /// enum output schema, so that `output: {schema: {type: string, enum: [..]}}` makes a
    /// classification task without repeating the labels; nil for free-text and structured outputs.
    public var labelSet: (labels: [String], source: LabelSource)? {
        if let labels = settings.labels { return (labels, .setting) }
        guard let schema = outputSchema, case .enumeration(let values) = schema.kind, !values.isEmpty else { return nil }
        let labels = values.map { value -> String in
            if outputFormat != .json, case .string(let text) = value { return text }
            return value.json
        }
        return (labels, .outputSchema)
    }

    /// Every demonstration whose output is not exactly one of the labels. Not parse diagnostics,
    /// like `outputSchemaProblems`; a JSON output schema reports its own enums there instead.
    public var outputLabelProblems: [OutputLabelProblem] {
        guard let (labels, source) = labelSet, !(source == .outputSchema && jsonOutputSchema != nil) else { return [] }
        func loose(_ text: String) -> String {
            text.lowercased().trimmingCharacters(in: .punctuationCharacters.union(.whitespacesAndNewlines))
        }
        return demonstrations.compactMap { demonstration in
            let output = demonstration.model.text
            guard !labels.contains(output) else { return nil }
            return OutputLabelProblem(index: demonstration.index, output: output,
                                      suggestion: labels.first { loose($0) == loose(output) }, labels: labels,
                                      range: demonstration.model.range)
        }
    }
}
