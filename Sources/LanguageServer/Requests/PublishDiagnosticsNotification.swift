import JSONRPC

/// `textDocument/publishDiagnostics`: every diagnostic of a document (replacing the previous set).
public struct PublishDiagnosticsNotification: NotificationType, Hashable {
    public static let method = "textDocument/publishDiagnostics"
    public var uri: String
    /// The document version the diagnostics were computed for (absent for files not open).
    public var version: Int?
    public var diagnostics: [LSPDiagnostic]
    public init(uri: String, version: Int?, diagnostics: [LSPDiagnostic]) {
        self.uri = uri
        self.version = version
        self.diagnostics = diagnostics
    }
}
