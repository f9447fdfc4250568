import JSONRPC

/// LSP's `CodeAction`. VSynth's actions carry `data` (the URI and the command) and are completed
/// with their `command` by `codeAction/resolve`, or carry the command at once for clients that do
/// not resolve.
public struct CodeAction: MessageType, Hashable {
    public var title: String
    public var kind: String?
    public var diagnostics: [LSPDiagnostic]?
    public var isPreferred: Bool?
    public var edit: WorkspaceEdit?
    public var command: Command?
    public var data: JSONValue?

    public init(title: String, kind: String? = nil, diagnostics: [LSPDiagnostic]? = nil, isPreferred: Bool? = nil,
                edit: WorkspaceEdit? = nil, command: Command? = nil, data: JSONValue? = nil) {
        self.title = title
        self.kind = kind
        self.diagnostics = diagnostics
        self.isPreferred = isPreferred
        self.edit = edit
        self.command = command
        self.data = data
    }
}
