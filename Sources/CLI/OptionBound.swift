import PromptFile

/// The values a numeric option accepts, from `Limits` (the one table the prompt file, the CLI and
/// the server share). The parser checks every bounded option as it reads it, so no command sees
/// a number out of range and `--help` can state the range.
public enum OptionBound: Sendable, Equatable {
    case integer(ClosedRange<Int>)
    /// Finite numbers only: `nan`, `inf` and `1e400` are refused.
    case number(ClosedRange<Double>)

    /// `1...1000`, as messages and help print it.
    public var text: String {
        switch self {
        case .integer(let range): Limits.text(range)
        case .number(let range): Limits.text(range)
        }
    }

    /// Whether `value` is a number of the right kind inside the range.
    public func accepts(_ value: String) -> Bool {
        switch self {
        case .integer(let range): Int(value).map(range.contains) ?? false
        case .number(let range): Double(value).map { $0.isFinite && range.contains($0) } ?? false
        }
    }

    /// The usage message for a refused value, naming the option and its range.
    func problem(option spelled: String, value: String) -> String {
        switch self {
        case .integer: "option '\(spelled)' needs an integer in \(text), got '\(value)'"
        case .number: "option '\(spelled)' needs a number in \(text), got '\(value)'"
        }
    }
}
