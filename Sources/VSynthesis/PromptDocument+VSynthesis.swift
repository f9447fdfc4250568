import Foundation
import PromptFile

extension PromptDocument {
    /// The demonstration format VSynthesis uses for this file: the file's labels describe X and Y to
    /// the model, the turns are the bare texts as they appear in the file, outputs come from
    /// the label set (`labelSet`) when there is one, and a user turn with several fields is the template inputs follow.
    public var demonstrationFormat: DemonstrationFormat {
        DemonstrationFormat(inputLabel: settings.inputLabel, outputLabel: settings.outputLabel, labelledTurns: false,
                            outputSchema: jsonOutputSchema, labels: labelSet?.labels ?? [],
                            inputTemplate: inputTemplate)
    }

    /// The file's own user turn after the demonstrations region (`{{role "user"}}` up to the next
    /// role tag or the end), when it is a plain template with at least two fields; nil otherwise
    /// (single-field files keep the bare-value layout).
    public var inputTemplate: InputTemplate? {
        guard format == .dotprompt, let region else { return nil }
        let after = text(in: lines.range(region.range.end.offset..<bytes.count))
        guard let tag = after.range(of: #"\{\{\s*role\s+"user"\s*\}\}"#, options: .regularExpression) else { return nil }
        var turn = after[tag.upperBound...]
        if let next = turn.range(of: #"\{\{\s*role\s+""#, options: .regularExpression) { turn = turn[..<next.lowerBound] }
        guard let template = InputTemplate(String(turn)), template.fields.count > 1 else { return nil }
        return template
    }
}
