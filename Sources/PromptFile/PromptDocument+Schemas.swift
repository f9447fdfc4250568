import JSONSchema

/// Dotprompt's `input` and `output` sections: the schemas and the output format.
extension PromptDocument {
    mutating func readSchemas(_ frontmatter: YAMLNode, problems: inout [PromptFileError]) {
        var reader = SchemaReader()
        var format: OutputFormat?
        for section in ["input", "output"] {
            guard let node = frontmatter[section], node.value != .null else { continue }
            guard node.entries != nil else {
                problems.append(.settingType(key: section, expected: "a mapping", found: node.kindDescription, at: node.range))
                continue
            }
            if let schemaNode = node["schema"], schemaNode.value != .null {
                let schema = reader.read(schemaNode, name: "\(section).schema")
                if section == "input" { inputSchema = schema } else { outputSchema = schema }
            }
            if section == "output", let formatNode = node["format"], formatNode.value != .null {
                if let name = formatNode.string, !name.isEmpty {
                    format = OutputFormat(name: name)
                } else {
                    problems.append(.settingType(key: "output.format", expected: "a format name (json, text)", found: formatNode.kindDescription, at: formatNode.range))
                }
            }
        }
        problems += reader.problems
        // Dotprompt: a schema without a format means JSON.
        outputFormat = format ?? (outputSchema == nil ? .text : .json)
    }

    /// The schema the model's turn must satisfy: `output.schema` when the output format is JSON.
    public var jsonOutputSchema: Schema? { outputFormat == .json ? outputSchema : nil }
}
