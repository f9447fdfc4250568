import JSONRPC

/// Text in Markdown or plain text, as LSP's `MarkupContent`.
public struct MarkupContent: MessageType, Hashable {
    /// `markdown` or `plaintext`.
    public var kind: String
    public var value: String

    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// LSP's `Hover`: what to show for the position under the cursor.
public struct Hover: MessageType, Hashable {
    public var contents: MarkupContent
    public var range: LSPRange?

    public init(contents: MarkupContent, range: LSPRange?) {
        self.contents = contents
        self.range = range
    }
}
