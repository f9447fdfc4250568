/// A place in a prompt file, in the three coordinates editors and tools use: the byte offset
/// into the UTF-8 file, and the line with the column counted in UTF-8 bytes or in UTF-16 code
/// units (LSP's two position encodings). Lines and columns are 0-based, as in LSP; messages for
/// people print them 1-based.
public struct SourcePosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Byte offset from the start of the file (0-based).
    public var offset: Int
    /// Line number (0-based). Lines end at LF, CRLF or a lone CR, as in LSP.
    public var line: Int
    /// Column in UTF-8 bytes from the start of the line (0-based).
    public var utf8Column: Int
    /// Column in UTF-16 code units from the start of the line (0-based).
    public var utf16Column: Int

    public init(offset: Int, line: Int, utf8Column: Int, utf16Column: Int) {
        self.offset = offset
        self.line = line
        self.utf8Column = utf8Column
        self.utf16Column = utf16Column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.offset < rhs.offset }

    /// `line:column`, 1-based, the column in UTF-8 bytes (the compiler convention).
    public var description: String { "\(line + 1):\(utf8Column + 1)" }

    enum CodingKeys: String, CodingKey {
        case offset, line
        case utf8Column = "utf8_column"
        case utf16Column = "utf16_column"
    }
}

/// A half-open span `[start, end)` of a prompt file.
public struct SourceRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// The span as byte offsets into the file.
    public var bytes: Range<Int> { start.offset..<max(start.offset, end.offset) }

    /// Whether `offset` lies in the span (the end counts for empty spans).
    public func contains(_ offset: Int) -> Bool {
        bytes.isEmpty ? offset == start.offset : bytes.contains(offset)
    }

    /// `line:col-line:col`, 1-based UTF-8 columns.
    public var description: String { "\(start)-\(end)" }
}
