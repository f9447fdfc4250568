import JSONRPC

/// LSP's `DiagnosticSeverity`.
public enum DiagnosticSeverity: Int, MessageType, Hashable {
    case error = 1, warning = 2, information = 3, hint = 4
}

/// LSP's `Diagnostic` (named so to stay clear of PromptFile's): a message attached to a range.
public struct LSPDiagnostic: MessageType, Hashable {
    public var range: LSPRange
    public var severity: DiagnosticSeverity?
    /// A machine-readable code: PromptFile's error codes, or `vscore` / `low-vscore`.
    public var code: String?
    public var source: String?
    public var message: String
    /// Extra data for code actions (the demonstration's index and score).
    public var data: JSONValue?

    public init(range: LSPRange, severity: DiagnosticSeverity?, code: String? = nil, source: String? = "vsynth",
                message: String, data: JSONValue? = nil) {
        self.range = range
        self.severity = severity
        self.code = code
        self.source = source
        self.message = message
        self.data = data
    }
}
