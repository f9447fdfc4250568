import PromptFile

/// Converts between byte offsets of a UTF-8 document and LSP positions in one encoding. Lines end
/// at LF, CRLF or a lone CR, as in LSP (the same line table the parser builds).
///
/// LSP says a character past the end of a line means the end of the line; a line past the end of
/// the document means its end. A position inside a multi-unit character (half a surrogate pair)
/// resolves to the start of that character, never to the middle of its bytes.
public struct PositionConverter: Sendable {
    public let lines: LineIndex
    public let encoding: PositionEncoding

    public init(lines: LineIndex, encoding: PositionEncoding) {
        self.lines = lines
        self.encoding = encoding
    }

    /// The byte offset of `position` (clamped as LSP says).
    public func offset(of position: Position) -> Int {
        let bytes = lines.bytes
        guard position.line >= 0 else { return 0 }
        guard position.line < lines.lineCount else { return bytes.count }
        var index = lines.lineStarts[position.line]
        let end = lines.lineContentEnd(position.line)
        var units = 0
        let target = max(0, position.character)
        while units < target, index < end {
            let length = Self.sequenceLength(bytes[index])
            let width = self.width(ofSequenceLength: length)
            if units + width > target { break }  // inside this character: stay at its start
            units += width
            index = min(end, index + length)
        }
        return index
    }

    /// Whether `position` names a place in the document without clamping (line exists, character
    /// within the line, not inside a character).
    public func isValid(_ position: Position) -> Bool {
        guard position.line >= 0, position.character >= 0 else { return false }
        if position.line == lines.lineCount { return position.character == 0 }
        guard position.line < lines.lineCount else { return false }
        return self.position(of: offset(of: position)) == position
    }

    /// The position of byte offset `offset` (clamped into the document).
    public func position(of offset: Int) -> Position {
        let target = min(max(offset, 0), lines.bytes.count)
        let line = lines.line(of: target)
        if encoding == .utf8 { return Position(line: line, character: target - lines.lineStarts[line]) }
        var index = lines.lineStarts[line]
        var units = 0
        let bytes = lines.bytes
        while index < target {
            let length = Self.sequenceLength(bytes[index])
            units += width(ofSequenceLength: length)
            index += length
        }
        return Position(line: line, character: units)
    }

    /// The LSP range of a span of byte offsets.
    public func range(_ bytes: Range<Int>) -> LSPRange {
        LSPRange(start: position(of: bytes.lowerBound), end: position(of: bytes.upperBound))
    }

    /// The LSP range of a parsed source range.
    public func range(_ range: SourceRange) -> LSPRange { self.range(range.bytes) }

    /// Code units one character of `length` UTF-8 bytes takes in the encoding.
    func width(ofSequenceLength length: Int) -> Int {
        switch encoding {
        case .utf8: length
        case .utf16: length == 4 ? 2 : 1
        case .utf32: 1
        }
    }

    /// Bytes of the UTF-8 sequence a lead byte starts (1 for stray continuation bytes).
    static func sequenceLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
