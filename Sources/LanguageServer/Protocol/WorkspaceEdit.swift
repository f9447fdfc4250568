import JSONRPC

/// Edits to one document at one version: the client must refuse them if its buffer is at another
/// version, which is what makes an edit computed in the background safe to send.
public struct TextDocumentEdit: MessageType, Hashable {
    public var textDocument: OptionalVersionedTextDocumentIdentifier
    public var edits: [LSPTextEdit]

    public init(textDocument: OptionalVersionedTextDocumentIdentifier, edits: [LSPTextEdit]) {
        self.textDocument = textDocument
        self.edits = edits
    }
}

/// LSP's `WorkspaceEdit`: versioned `documentChanges` for clients that support them, plain
/// `changes` (by URI) for the others.
public struct WorkspaceEdit: MessageType, Hashable {
    public var changes: [String: [LSPTextEdit]]?
    public var documentChanges: [TextDocumentEdit]?

    public init(changes: [String: [LSPTextEdit]]? = nil, documentChanges: [TextDocumentEdit]? = nil) {
        self.changes = changes
        self.documentChanges = documentChanges
    }
}
