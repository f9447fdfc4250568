import JSONSchema

/// A demonstration whose output breaks the file's JSON output schema.
public struct OutputSchemaProblem: Sendable, Hashable {
    /// The demonstration's 0-based index in the region.
    public var index: Int
    public var violation: SchemaViolation
    /// The offending text in the file: from the start of the value at fault to the byte rejected
    /// (the whole output when the turn's text is not the file's bytes verbatim).
    public var range: SourceRange

    /// `demonstration 2: output breaks the schema: when.day: expected one of …`.
    public var message: String { "demonstration \(index + 1): output breaks the output schema: \(violation)" }
}

extension PromptDocument {
    /// Every demonstration whose output does not validate against `jsonOutputSchema`. Not parse
    /// diagnostics: the file still parses and can still be edited; editors show these beside them.
    public var outputSchemaProblems: [OutputSchemaProblem] {
        guard let schema = jsonOutputSchema else { return [] }
        return demonstrations.compactMap { demonstration in
            guard let violation = try? schema.violation(in: demonstration.model.text) else { return nil }
            let turn = demonstration.model.range
            var range = turn
            if text(in: turn) == demonstration.model.text {
                let base = turn.start.offset
                let start = min(base + violation.valueStart, turn.end.offset)
                let end = min(max(base + violation.offset + 1, start), turn.end.offset)
                range = lines.range(start..<end)
            }
            return OutputSchemaProblem(index: demonstration.index, violation: violation, range: range)
        }
    }
}
