import JSONRPC

/// What a document's diagnostics add up to, sent with `vsynth/status` so that a thin client's
/// mode line can say "3 of 4 scored" without counting diagnostics itself (where a parse error or
/// the empty-region hint would pass for a score).
public struct DocumentCounts: MessageType, Hashable {
    /// Demonstrations the file holds (broken ones, which pair no turns, not included).
    public var demonstrations: Int
    /// Demonstrations with a V-Score (`vscore` and `low-vscore` diagnostics).
    public var scored: Int
    /// Of those, the ones under the threshold (`low-vscore`).
    public var low: Int
    /// Error and warning diagnostics (parse problems).
    public var errors: Int
    public var warnings: Int

    public init(demonstrations: Int, scored: Int, low: Int, errors: Int, warnings: Int) {
        self.demonstrations = demonstrations
        self.scored = scored
        self.low = low
        self.errors = errors
        self.warnings = warnings
    }

    /// The counts of `diagnostics` published for a file holding `demonstrations` demonstrations.
    public init(diagnostics: [LSPDiagnostic], demonstrations: Int) {
        let low = diagnostics.filter { $0.serverCode == .lowVScore }.count
        self.init(demonstrations: demonstrations, scored: diagnostics.filter { $0.serverCode?.carriesScore == true }.count,
                  low: low, errors: diagnostics.filter { $0.severity == .error }.count,
                  warnings: diagnostics.filter { $0.severity == .warning && $0.serverCode != .lowVScore }.count)
    }

    /// `3 of 4 demonstrations scored, 1 below the threshold, 1 error`.
    public var summary: String {
        var parts = ["\(scored) of \(demonstrations) demonstration\(demonstrations == 1 ? "" : "s") scored"]
        if low > 0 { parts.append("\(low) below the threshold") }
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}
