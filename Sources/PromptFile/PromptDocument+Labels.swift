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
        /// (JSON text when `output.format` is json, so `"positive"` with its quotes; bare otherwise);
        /// or a JSON object whose one property is a required enum: each value as that object
        /// (`{"verdict": "spam"}`). A boolean is the enum `[true, false]`.
        case outputSchema = "output.schema"
    }

    /// The task's label set and where it comes from: `vsynth.labels` when set, else the values of an
    /// enum output schema, so that `output: {schema: {type: string, enum: [..]}}` makes a
    /// classification task without repeating the labels; nil for free-text and structured outputs.
    /// A JSON object of one required enum property (Picoschema's `verdict(enum): [spam, ham]`, the
    /// usual way to ask for a classification as JSON) is a label set too: its documents are few, and
    /// choosing one by scoring (balanced, never misspelt) beats sampling it under the grammar. A
    /// boolean counts as the enum `[true, false]`, alone or as that one property.
    public var labelSet: (labels: [String], source: LabelSource)? {
        if let labels = settings.labels { return (labels, .setting) }
        guard let schema = outputSchema else { return nil }
        if let values = Self.choices(schema) {
            return (values.map { value -> String in
                if outputFormat != .json, case .string(let text) = value { return text }
                return value.json
            }, .outputSchema)
        }
        guard jsonOutputSchema != nil, case .object(let properties, _) = schema.kind, properties.count == 1,
              properties[0].required, let values = Self.choices(properties[0].schema) else { return nil }
        let key = JSONText.quoted(properties[0].name)
        return (values.map { "{\(key): \($0.json)}" }, .outputSchema)
    }

    /// The values a schema allows when they are few and listed: an enum's, or a boolean's two.
    private static func choices(_ schema: Schema) -> [SchemaLiteral]? {
        switch schema.kind {
        case .enumeration(let values) where !values.isEmpty: return values
        case .boolean: return [.bool(true), .bool(false)]
        default: return nil
        }
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
