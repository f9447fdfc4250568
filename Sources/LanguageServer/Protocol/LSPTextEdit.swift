import JSONRPC

/// LSP's `TextEdit`: replace `range` by `newText`. (PromptFile has a `TextEdit` in bytes; this one
/// is in the negotiated position encoding.)
public struct LSPTextEdit: MessageType, Hashable {
    public var range: LSPRange
    public var newText: String

    public init(range: LSPRange, newText: String) {
        self.range = range
        self.newText = newText
    }
}
