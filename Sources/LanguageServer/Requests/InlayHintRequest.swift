import JSONRPC

/// `textDocument/inlayHint`: the score after each demonstration in `range`.
public struct InlayHintRequest: RequestType, Hashable {
    public static let method = "textDocument/inlayHint"
    public typealias Response = [InlayHint]
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
    public init(textDocument: TextDocumentIdentifier, range: LSPRange) {
        self.textDocument = textDocument
        self.range = range
    }
}
