/// A hand-written argument parser: `--opt value`, `--opt=value`, `-n 3`, flags, positionals, `--`.
/// Each command declares its options in a `CommandSpec`; parsing checks them and reports usage
/// errors (exit code 2) naming the offending argument.
public struct CommandSpec: Sendable {
    public struct Option: Sendable {
        /// Long name without dashes, e.g. `max-tokens`.
        public var name: String
        /// Optional one-letter alias, e.g. `n`.
        public var short: Character?
        /// Takes a value (`--seed 3`) or is a flag (`--json`).
        public var takesValue: Bool
        /// Placeholder in help, e.g. `N`.
        public var valueName: String
        public var help: String

        public init(_ name: String, short: Character? = nil, value: String? = nil, help: String) {
            self.name = name
            self.short = short
            self.takesValue = value != nil
            self.valueName = value ?? ""
            self.help = help
        }
    }

    /// Words after `vsynth`, e.g. `["model", "fetch"]`.
    public var path: [String]
    public var summary: String
    /// Usage line after the command path, e.g. `FILE... [--json]`.
    public var usage: String
    public var options: [Option]
    /// Minimum and maximum number of positionals (`nil` = unbounded).
    public var positionals: ClosedRange<Int>
    /// Free text printed after the options in `--help`.
    public var discussion: String

    public init(path: [String], summary: String, usage: String, options: [Option] = [],
                positionals: ClosedRange<Int> = 0...0, discussion: String = "") {
        self.path = path
        self.summary = summary
        self.usage = usage
        self.options = options
        self.positionals = positionals
        self.discussion = discussion
    }

    /// Parses the arguments that follow the command path.
    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            let option: Option
            var inlineValue: String?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name: Substring
                if let equals = body.firstIndex(of: "=") {
                    name = body[..<equals]
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = body
                }
                guard let found = options.first(where: { $0.name == name }) else {
                    throw UsageError(command: path, message: "unknown option '--\(name)'")
                }
                option = found
            } else {
                let letters = Array(argument.dropFirst())
                guard let letter = letters.first,
                      let found = options.first(where: { $0.short == letter }) else {
                    throw UsageError(command: path, message: "unknown option '\(argument)'")
                }
                option = found
                if letters.count > 1 { inlineValue = String(letters.dropFirst()) }
            }
            if option.takesValue {
                if inlineValue == nil {
                    guard index < arguments.count else {
                        throw UsageError(command: path,
                                         message: "option '--\(option.name)' needs a value (\(option.valueName))")
                    }
                    inlineValue = arguments[index]
                    index += 1
                }
                parsed.values[option.name, default: []].append(inlineValue!)
            } else {
                if inlineValue != nil {
                    throw UsageError(command: path, message: "option '--\(option.name)' takes no value")
                }
                parsed.flags.insert(option.name)
            }
        }
        if parsed.flags.contains("help") { return parsed }
        if parsed.positionals.count < positionals.lowerBound {
            throw UsageError(command: path, message: positionals.lowerBound == 1
                             ? "missing argument: \(usage.split(separator: " ").first ?? "")"
                             : "expected at least \(positionals.lowerBound) arguments")
        }
        if parsed.positionals.count > positionals.upperBound {
            let extra = parsed.positionals[positionals.upperBound]
            throw UsageError(command: path, message: "unexpected argument '\(extra)'")
        }
        return parsed
    }

    /// The text `--help` prints.
    public var help: String {
        var text = "\(summary)\n\nUsage: vsynth \(path.joined(separator: " ")) \(usage)\n"
        let all = options + [Option("help", short: "h", help: "Show this help.")]
        if !all.isEmpty {
            text += "\nOptions:\n"
            let labels = all.map { option -> String in
                var label = option.short.map { "-\($0), " } ?? "    "
                label += "--\(option.name)"
                if option.takesValue { label += " \(option.valueName)" }
                return label
            }
            let width = (labels.map(\.count).max() ?? 0) + 2
            for (label, option) in zip(labels, all) {
                text += "  " + label + String(repeating: " ", count: width - label.count) + option.help + "\n"
            }
        }
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        return text
    }
}

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

    /// An integer option, checked against `range`.
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

/// A command line that does not fit the command: printed with a hint and exit code 2.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var command: [String]
    public var message: String

    public init(command: [String], message: String) {
        self.command = command
        self.message = message
    }

    public var description: String {
        let name = (["vsynth"] + command).joined(separator: " ")
        return "\(name): \(message)\nRun '\(name) --help' for usage."
    }
}
