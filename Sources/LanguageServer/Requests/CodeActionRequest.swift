import JSONRPC

/// `textDocument/codeAction`: the VSynth actions available at `range`.
public struct CodeActionRequest: RequestType, Hashable {
    public struct Context: MessageType, Hashable {
        public var diagnostics: [LSPDiagnostic]
        public var only: [String]?
        public init(diagnostics: [LSPDiagnostic] = [], only: [String]? = nil) {
            self.diagnostics = diagnostics
            self.only = only
        }
    }

    public static let method = "textDocument/codeAction"
    public typealias Response = [CodeAction]
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
    public var context: Context
    public init(textDocument: TextDocumentIdentifier, range: LSPRange, context: Context = Context()) {
        self.textDocument = textDocument
        self.range = range
        self.context = context
    }
}
