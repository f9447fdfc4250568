/// A hand-written parser for the YAML subset of prompt-file frontmatter: block mappings and
/// sequences, flow collections, plain / single- / double-quoted scalars, block scalars, comments,
/// and the core-schema scalars. Whatever lies outside the subset (anchors, aliases, tags, several
/// documents, directives, complex keys) and whatever is malformed (tab indentation, duplicate keys,
/// unterminated quotes) is an error with its position: it never guesses.
///
/// It works on the file's bytes between `start` and `end`, so every range is a range of the file.
struct YAMLParser {
    let bytes: [UInt8]
    let lines: LineIndex
    let end: Int
    var pos: Int
    var depth = 0
    /// Deeper nesting than this is an error rather than a risk to the stack.
    static let maxDepth = 64

    init(lines: LineIndex, start: Int, end: Int) {
        self.bytes = lines.bytes
        self.lines = lines
        self.end = min(end, lines.bytes.count)
        self.pos = min(start, self.end)
    }

    /// Parses the whole span as one document; nil when it holds only blank lines and comments.
    mutating func parseDocument() throws(PromptFileError) -> YAMLNode? {
        guard let indent = try skipBlankLines() else { return nil }
        let node = try parseBlockNode(indent: indent, parent: -1)
        if pos < end {
            throw .yamlSyntax("unexpected content after the document's top-level value", at: here())
        }
        return node
    }

    // MARK: Block structure

    /// Parses the node whose first character is at `pos`, in column `indent`, inside a parent
    /// block at column `parent`. Returns with `pos` at the next content line or the end.
    mutating func parseBlockNode(indent: Int, parent: Int) throws(PromptFileError) -> YAMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .yamlSyntax("nesting deeper than \(Self.maxDepth) levels", at: here()) }
        if byte(pos) == UInt8(ascii: "-"), isBlankOrEnd(pos + 1) {
            return try parseBlockSequence(indent: indent)
        }
        if byte(pos) == UInt8(ascii: "?"), isBlankOrEnd(pos + 1) {
            throw .yamlUnsupported("complex mapping keys ('? ')", at: here())
        }
        if lineHasMappingKey() {
            return try parseBlockMapping(indent: indent)
        }
        let node = try parseInlineValue(parent: parent)
        _ = try skipBlankLines()
        return node
    }

    mutating func parseBlockMapping(indent: Int) throws(PromptFileError) -> YAMLNode {
        let start = pos
        var entries: [YAMLEntry] = []
        var seen: [String: SourceRange] = [:]
        var last = pos
        while true {
            let keyStart = pos
            let key = try parseMappingKey()
            let keyRange = lines.range(keyStart..<key.end)
            if let first = seen[key.text] {
                throw .yamlDuplicateKey(key.text, at: keyRange, first: first)
            }
            seen[key.text] = keyRange
            skipSpaces()
            guard byte(pos) == UInt8(ascii: ":") else {
                throw .yamlSyntax("expected ':' after mapping key '\(key.text)'", at: here())
            }
            pos += 1
            let colonEnd = pos
            try skipSeparation()
            let value: YAMLNode
            if atLineEnd() {
                try expectLineEnd()
                if let next = try skipBlankLines(), next > indent
                    || (next == indent && byte(pos) == UInt8(ascii: "-") && isBlankOrEnd(pos + 1)) {
                    if next == indent {
                        depth += 1
                        defer { depth -= 1 }
                        value = try parseBlockSequence(indent: indent)
                    } else {
                        value = try parseBlockNode(indent: next, parent: indent)
                    }
                } else {
                    value = YAMLNode(.null, range: lines.range(colonEnd..<colonEnd))
                }
            } else {
                depth += 1
                defer { depth -= 1 }
                guard depth <= Self.maxDepth else { throw .yamlSyntax("nesting deeper than \(Self.maxDepth) levels", at: here()) }
                value = try parseInlineValue(parent: indent)
                _ = try skipBlankLines()
            }
            entries.append(YAMLEntry(key: key.text, keyRange: keyRange, value: value))
            last = max(value.range.end.offset, key.end)
            guard pos < end else { break }
            let next = column(pos)
            if next < indent { break }
            if next > indent { throw .yamlSyntax("unexpected indentation (expected column \(indent + 1))", at: here()) }
            if byte(pos) == UInt8(ascii: "-"), isBlankOrEnd(pos + 1) {
                throw .yamlSyntax("expected a mapping key, found a sequence item", at: here())
            }
            if !lineHasMappingKey() {
                throw .yamlSyntax("expected a 'key: value' line in the mapping", at: here())
            }
        }
        return YAMLNode(.mapping(entries), range: lines.range(start..<last))
    }

    mutating func parseBlockSequence(indent: Int) throws(PromptFileError) -> YAMLNode {
        let start = pos
        var items: [YAMLNode] = []
        var last = pos
        while true {
            let dash = pos
            pos += 1
            try skipSeparation()
            let item: YAMLNode
            if atLineEnd() {
                try expectLineEnd()
                if let next = try skipBlankLines(), next > indent {
                    item = try parseBlockNode(indent: next, parent: indent)
                } else {
                    item = YAMLNode(.null, range: lines.range(dash + 1..<dash + 1))
                }
            } else {
                item = try parseBlockNode(indent: column(pos), parent: indent)
            }
            items.append(item)
            last = max(item.range.end.offset, dash + 1)
            guard pos < end else { break }
            let next = column(pos)
            if next < indent { break }
            if next > indent { throw .yamlSyntax("unexpected indentation (expected column \(indent + 1))", at: here()) }
            guard byte(pos) == UInt8(ascii: "-"), isBlankOrEnd(pos + 1) else { break }
        }
        return YAMLNode(.sequence(items), range: lines.range(start..<last))
    }

    /// A mapping key at `pos`: plain or quoted, on one line.
    mutating func parseMappingKey() throws(PromptFileError) -> (text: String, end: Int) {
        guard let first = byte(pos) else { throw .yamlSyntax("expected a mapping key", at: here()) }
        try rejectIndicator(first)
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            let line = lines.line(of: pos)
            let text = first == UInt8(ascii: "\"") ? try parseDoubleQuoted(minIndent: 0) : try parseSingleQuoted(minIndent: 0)
            if lines.line(of: pos) != line { throw .yamlSyntax("a quoted mapping key must fit on one line", at: here()) }
            return (text, pos)
        }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            throw .yamlUnsupported("flow collections as mapping keys", at: here())
        }
        let start = pos
        while let b = byte(pos), !isBreak(b) {
            if b == UInt8(ascii: ":"), isBlankOrEnd(pos + 1) { break }
            if b == UInt8(ascii: "#"), pos > start, isBlank(bytes[pos - 1]) { break }
            pos += 1
        }
        var keyEnd = pos
        while keyEnd > start, isBlank(bytes[keyEnd - 1]) { keyEnd -= 1 }
        guard keyEnd > start else { throw .yamlSyntax("empty mapping key", at: here()) }
        return (String(decoding: bytes[start..<keyEnd], as: UTF8.self), keyEnd)
    }

    /// Whether the line from `pos` is `key: …` (a plain or quoted key followed by `: ` or `:` at
    /// the end of the line).
    func lineHasMappingKey() -> Bool {
        var index = pos
        guard let first = byte(index) else { return false }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") { return false }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            index += 1
            while let b = byte(index), !isBreak(b) {
                if first == UInt8(ascii: "\""), b == UInt8(ascii: "\\") { index += 2; continue }
                if b == first {
                    if first == UInt8(ascii: "'"), byte(index + 1) == first { index += 2; continue }
                    index += 1
                    while let s = byte(index), isBlank(s) { index += 1 }
                    return byte(index) == UInt8(ascii: ":") && isBlankOrEnd(index + 1)
                }
                index += 1
            }
            return false
        }
        while let b = byte(index), !isBreak(b) {
            if b == UInt8(ascii: ":"), isBlankOrEnd(index + 1) { return true }
            if b == UInt8(ascii: "#"), index > pos, isBlank(bytes[index - 1]) { return false }
            index += 1
        }
        return false
    }

    /// A value that starts on the current line after `key: ` or `- `, in a block at column `parent`.
    /// Returns with `pos` at the start of the line after the value.
    mutating func parseInlineValue(parent: Int) throws(PromptFileError) -> YAMLNode {
        guard let first = byte(pos) else { throw .yamlSyntax("expected a value", at: here()) }
        let start = pos
        try rejectIndicator(first)
        switch first {
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            return try parseBlockScalar(parent: parent)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let text = first == UInt8(ascii: "\"") ? try parseDoubleQuoted(minIndent: parent + 1)
                                                   : try parseSingleQuoted(minIndent: parent + 1)
            let range = lines.range(start..<pos)
            try skipSeparation()
            if byte(pos) == UInt8(ascii: ":") {
                throw .yamlSyntax("a mapping value is not allowed here (is a 'key: value' on the same line as another key?)", at: here())
            }
            try expectLineEnd()
            return YAMLNode(.string(text), range: range)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let node = try parseFlowNode(minIndent: parent + 1)
            try skipSeparation()
            if byte(pos) == UInt8(ascii: ":") {
                throw .yamlUnsupported("flow collections as mapping keys", at: node.range)
            }
            try expectLineEnd()
            return node
        case UInt8(ascii: "-") where isBlankOrEnd(pos + 1):
            throw .yamlSyntax("a block sequence cannot start on the line of its key; put '- ' items on the next lines", at: here())
        default:
            return try parsePlainBlock(parent: parent)
        }
    }

    /// Errors for the YAML indicators outside the subset, at the start of a node.
    func rejectIndicator(_ first: UInt8) throws(PromptFileError) {
        switch first {
        case UInt8(ascii: "&"): throw .yamlUnsupported("anchors ('&')", at: here())
        case UInt8(ascii: "*"): throw .yamlUnsupported("aliases ('*')", at: here())
        case UInt8(ascii: "!"): throw .yamlUnsupported("tags ('!')", at: here())
        case UInt8(ascii: "@"), UInt8(ascii: "`"):
            throw .yamlSyntax("'\(Character(Unicode.Scalar(first)))' is reserved and cannot start a plain value; quote it", at: here())
        case UInt8(ascii: "?") where isBlankOrEnd(pos + 1):
            throw .yamlUnsupported("complex mapping keys ('? ')", at: here())
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw .yamlSyntax("unexpected '\(Character(Unicode.Scalar(first)))'", at: here())
        default: return
        }
    }
}
