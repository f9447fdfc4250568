/// Entry point of the YAML subset parser for callers outside prompt files (and tests).
public enum YAML {
    /// Parses `text` as one YAML document of the prompt-file subset; nil when it is empty
    /// (only blank lines and comments). Errors carry the line and column in `text`.
    public static func parse(_ text: String) throws(PromptFileError) -> YAMLNode? {
        let lines = LineIndex(Array(text.utf8))
        return try parse(lines: lines, span: 0..<lines.bytes.count)
    }

    /// Parses the bytes `span` of a file (e.g. its frontmatter); ranges are ranges of the file.
    static func parse(lines: LineIndex, span: Range<Int>) throws(PromptFileError) -> YAMLNode? {
        var parser = YAMLParser(lines: lines, start: span.lowerBound, end: span.upperBound)
        if let bad = firstLoneCarriageReturn(lines.bytes, in: span) {
            throw .yamlSyntax("carriage return without a line feed", at: lines.range(bad..<bad + 1))
        }
        return try parser.parseDocument()
    }

    static func firstLoneCarriageReturn(_ bytes: [UInt8], in span: Range<Int>) -> Int? {
        var index = span.lowerBound
        while index < span.upperBound {
            if bytes[index] == 0x0D, index + 1 >= bytes.count || bytes[index + 1] != 0x0A { return index }
            index += 1
        }
        return nil
    }
}
