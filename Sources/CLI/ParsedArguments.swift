/// The result of parsing: values by long option name, flags, positionals.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []

    public init() {}

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    /// The last value given for an option (a later `--seed` overrides an earlier one).
    public func value(_ name: String) -> String? { values[name]?.last }
    public func allValues(_ name: String) -> [String] { values[name] ?? [] }

    /// An integer option, checked against `range` (an option that declares its `bound` was
    /// checked against it by the parser already).
    public func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max,
                    command: [String]) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(command: command, message: "option '--\(name)' needs an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// A floating-point option, checked against `range`.
    public func double(_ name: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       command: [String]) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw UsageError(command: command, message: "option '--\(name)' needs a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return number
    }
}
