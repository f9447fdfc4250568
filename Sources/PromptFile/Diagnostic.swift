/// One problem found in a file, as editors show it: severity, the error, and the file's path.
/// A parse returns all of them at once, so an editor can underline several.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var error: PromptFileError
    /// The file's path as given to the parser, if any.
    public var file: String?

    public init(_ error: PromptFileError, file: String? = nil) {
        self.severity = error.isWarning ? .warning : .error
        self.error = error
        self.file = file
    }

    public var range: SourceRange? { error.range }
    public var message: String { error.message }

    /// `file:line:column: error: message` (1-based line, 1-based UTF-8 column), the form
    /// compilers print and editors' quickfix lists read.
    public var description: String {
        var text = file ?? "<input>"
        if let range = error.range { text += ":\(range.start)" }
        return text + ": \(severity.rawValue): \(error.message)"
    }
}
