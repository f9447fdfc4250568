/// Byte-level helpers of the YAML parser: classes of bytes, lines, blank lines and comments.
extension YAMLParser {
    func byte(_ index: Int) -> UInt8? { index >= 0 && index < end ? bytes[index] : nil }

    func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
    func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Whether `index` is a space, tab, line break or the end of the YAML text.
    func isBlankOrEnd(_ index: Int) -> Bool {
        guard let b = byte(index) else { return true }
        return isBlank(b) || isBreak(b)
    }

    /// Column (0-based, bytes) of `index` in its line.
    func column(_ index: Int) -> Int { index - lines.lineStart(of: index) }

    /// A range covering the character at `pos` (empty at the end), for error messages.
    func here() -> SourceRange { range(at: pos) }

    func range(at index: Int) -> SourceRange {
        guard let b = byte(index) else { return lines.range(index..<index) }
        let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return lines.range(index..<min(index + length, end))
    }

    mutating func skipSpaces() {
        while byte(pos) == 0x20 { pos += 1 }
    }

    /// Skips spaces and tabs between tokens on one line.
    mutating func skipSeparation() throws(PromptFileError) {
        while let b = byte(pos), isBlank(b) { pos += 1 }
    }

    /// Whether nothing but a comment follows on this line.
    func atLineEnd() -> Bool {
        guard let b = byte(pos) else { return true }
        return isBreak(b) || b == UInt8(ascii: "#")
    }

    /// Consumes one line break (LF, CRLF or CR) at `pos`, if there is one.
    mutating func consumeBreak() {
        if byte(pos) == 0x0D { pos += 1 }
        if byte(pos) == 0x0A { pos += 1 }
    }

    /// Consumes blanks and a comment up to and including the line break; anything else is an error.
    mutating func expectLineEnd() throws(PromptFileError) {
        while let b = byte(pos), isBlank(b) { pos += 1 }
        if byte(pos) == UInt8(ascii: "#") {
            if pos > 0, let before = byte(pos - 1), !isBlank(before) {
                throw .yamlSyntax("a comment needs a space before '#'", at: here())
            }
            while let b = byte(pos), !isBreak(b) { pos += 1 }
        }
        guard let b = byte(pos) else { return }
        guard isBreak(b) else { throw .yamlSyntax("unexpected text after the value", at: here()) }
        consumeBreak()
    }

    /// Skips blank lines and comment lines from `pos` (at a line start or a content start) and
    /// stops at the next content, returning its column; nil at the end. Tabs in the indentation of
    /// a content line, document markers and directives are errors.
    mutating func skipBlankLines() throws(PromptFileError) -> Int? {
        while pos < end {
            var index = pos
            var tab: Int?
            while let b = byte(index), isBlank(b) {
                if b == 0x09, tab == nil { tab = index }
                index += 1
            }
            guard let b = byte(index) else { pos = end; return nil }
            if isBreak(b) {
                pos = index
                consumeBreak()
                continue
            }
            if b == UInt8(ascii: "#") {
                pos = index
                while let c = byte(pos), !isBreak(c) { pos += 1 }
                consumeBreak()
                continue
            }
            if let tab { throw .yamlTabIndentation(at: lines.range(tab..<tab + 1)) }
            pos = index
            let col = column(index)
            if col == 0 { try rejectDocumentMarker() }
            return col
        }
        return nil
    }

    /// `---`, `...` and `%` directives at the start of a line belong to multi-document streams.
    func rejectDocumentMarker() throws(PromptFileError) {
        if byte(pos) == UInt8(ascii: "%") {
            throw .yamlUnsupported("directives ('%YAML', '%TAG')", at: here())
        }
        for marker in [UInt8(ascii: "-"), UInt8(ascii: ".")] {
            if byte(pos) == marker, byte(pos + 1) == marker, byte(pos + 2) == marker, isBlankOrEnd(pos + 3) {
                throw .yamlUnsupported("several documents ('---' / '...' markers)", at: lines.range(pos..<pos + 3))
            }
        }
    }
}
