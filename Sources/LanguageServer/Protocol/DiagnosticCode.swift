/// The codes of the diagnostics the server makes itself (a prompt file's problems carry
/// PromptFile's own codes): the one place for the strings that editors, the status counts and
/// the code actions match on.
public enum DiagnosticCode: String, Sendable, CaseIterable {
    /// A demonstration's V-Score (Information).
    case vscore
    /// A V-Score under the threshold (Warning).
    case lowVScore = "low-vscore"
    /// A hand-written output that breaks `output.schema`.
    case outputSchema = "output-schema"
    /// A file with a demonstrations region but no demonstrations.
    case emptyRegion = "empty-region"
    /// A file with a task but no demonstrations region.
    case noRegion = "no-region"

    /// Whether a diagnostic with this code carries a V-Score.
    public var carriesScore: Bool { self == .vscore || self == .lowVScore }
}

extension LSPDiagnostic {
    /// The server's code of this diagnostic, if it is one of `DiagnosticCode`.
    public var serverCode: DiagnosticCode? { code.flatMap(DiagnosticCode.init(rawValue:)) }
}
