import PromptFile

/// An open document: the editor's text (UTF-8 bytes), its version, and the parse of that text.
/// Changes are applied exactly, in the negotiated position encoding, and the text re-parsed.
public struct Document: Sendable {
    public let uri: String
    public internal(set) var version: Int
    public internal(set) var parsed: PromptDocument

    public init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.version = version
        self.parsed = PromptDocument(text: text, path: FileURI.path(of: uri) ?? uri)
    }

    /// The text's bytes.
    public var bytes: [UInt8] { parsed.bytes }
    public var text: String { parsed.text }

    /// Positions of this text in `encoding`.
    public func converter(_ encoding: PositionEncoding) -> PositionConverter {
        PositionConverter(lines: parsed.lines, encoding: encoding)
    }

    /// Applies `changes` in order and moves to `version`. Ranges are checked before anything is
    /// changed: a reversed range is an error (the document stays as it was).
    public mutating func apply(_ changes: [TextDocumentContentChangeEvent], version: Int,
                               encoding: PositionEncoding) throws(LanguageServerError) {
        var bytes = self.bytes
        var lines = parsed.lines
        for change in changes {
            if let range = change.range {
                let converter = PositionConverter(lines: lines, encoding: encoding)
                let start = converter.offset(of: range.start)
                let end = converter.offset(of: range.end)
                guard start <= end else {
                    throw .invalidRange(uri: uri, range: range, reason: "the end comes before the start")
                }
                bytes.replaceSubrange(start..<end, with: Array(change.text.utf8))
            } else {
                bytes = Array(change.text.utf8)
            }
            lines = LineIndex(bytes)
        }
        self.version = version
        self.parsed = PromptDocument(bytes: bytes, path: parsed.path, format: parsed.format)
    }
}
