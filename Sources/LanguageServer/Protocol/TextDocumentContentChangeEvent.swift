import JSONRPC

/// One change of a `didChange`: the text that replaces `range` (in the negotiated position
/// encoding), or the whole document when `range` is absent.
public struct TextDocumentContentChangeEvent: MessageType, Hashable {
    public var range: LSPRange?
    /// Deprecated by LSP and ignored: the range says what is replaced.
    public var rangeLength: Int?
    public var text: String

    public init(range: LSPRange? = nil, rangeLength: Int? = nil, text: String) {
        self.range = range
        self.rangeLength = rangeLength
        self.text = text
    }
}
