/// A replacement of one span of a file by new text, located in bytes and in both column
/// encodings so the LSP server can send it in whichever encoding the client negotiated.
public struct TextEdit: Sendable, Equatable, Codable {
    public var range: SourceRange
    public var newText: String

    public init(range: SourceRange, newText: String) {
        self.range = range
        self.newText = newText
    }

    enum CodingKeys: String, CodingKey {
        case range
        case newText = "new_text"
    }

    /// Applies non-overlapping edits (in any order) to `text`, by their byte offsets.
    public static func apply(_ edits: [TextEdit], to text: String) throws(PromptFileError) -> String {
        String(decoding: try apply(edits, to: Array(text.utf8)), as: UTF8.self)
    }

    /// Applies non-overlapping edits (in any order) to `bytes`, by their byte offsets. Edits that
    /// overlap, run past the end, or cut a UTF-8 sequence are an error, not a guess.
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) throws(PromptFileError) -> [UInt8] {
        let sorted = edits.sorted { ($0.range.start.offset, $0.range.end.offset) < ($1.range.start.offset, $1.range.end.offset) }
        var previousEnd = 0
        for edit in sorted {
            let start = edit.range.start.offset
            let end = edit.range.end.offset
            guard start >= 0, start <= end, end <= bytes.count else {
                throw .invalidEdit("range \(start)..<\(end) lies outside the text (\(bytes.count) bytes)")
            }
            guard start >= previousEnd else { throw .invalidEdit("edits overlap at byte offset \(start)") }
            for offset in [start, end] where offset < bytes.count && bytes[offset] & 0xC0 == 0x80 {
                throw .invalidEdit("byte offset \(offset) lies inside a utf-8 sequence")
            }
            previousEnd = end
        }
        var result = bytes
        for edit in sorted.reversed() {
            result.replaceSubrange(edit.range.start.offset..<edit.range.end.offset, with: Array(edit.newText.utf8))
        }
        return result
    }
}
