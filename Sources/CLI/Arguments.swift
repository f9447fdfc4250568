/// A hand-written argument parser: `--opt value`, `--opt=value`, `-n 3`, flags, positionals, `--`.
/// Each command declares its options once, as the `Option`s of its `Options` (an `OptionGroup`),
/// and its `CommandSpec` lists their declarations; parsing checks them and reports usage errors
/// (exit code 2) naming the offending argument.
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
        /// A numeric option's range, checked as the option is read.
        public var bound: OptionBound?
        /// The value the option has when it is not given, as help shows it: `(default 16)`.
        public var shownDefault: String?

        public init(_ name: String, short: Character? = nil, value: String? = nil, bound: OptionBound? = nil,
                    shownDefault: String? = nil, help: String) {
            self.name = name
            self.short = short
            self.takesValue = value != nil
            self.valueName = value ?? ""
            self.bound = bound
            self.shownDefault = shownDefault
            self.help = help
        }

        /// The help line's text: `help` with the default before its closing period, then the range.
        var helpText: String {
            var text = help
            if let shownDefault {
                let period = text.hasSuffix(".")
                if period { text.removeLast() }
                text += " (default \(shownDefault))" + (period ? "." : "")
            }
            return text + (bound.map { " Range \($0.text)." } ?? "")
        }
    }

    /// Words after `vsynth`, e.g. `["model", "fetch"]`.
    public var path: [String]
    public var summary: String
    /// Usage line after the command path, e.g. `FILE... [--json]`.
    public var usage: String
    public var options: [Option]
    /// Minimum and maximum number of positionals (`1...Int.max` for "one or more").
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

    /// A command's spec with the options its `Options` declare.
    public init(path: [String], summary: String, usage: String, options: some OptionGroup,
                positionals: ClosedRange<Int> = 0...0, discussion: String = "") {
        self.init(path: path, summary: summary, usage: usage, options: options.declarations,
                  positionals: positionals, discussion: discussion)
    }

    /// The implicit `--help` / `-h` every command accepts.
    static let helpOption = Option("help", short: "h", help: "Show this help.")

    /// Options as parsing sees them: the declared ones plus `--help`.
    private var parseableOptions: [Option] { options + [Self.helpOption] }

    /// Parses the arguments that follow the command path.
    ///
    /// Accepted forms: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, bundled
    /// short flags (`-fq`, `-fn3`), `--` (everything after it is positional), `-` (a positional,
    /// stdin by convention), and negative numbers as positionals (`-3`). A value option followed by
    /// another long option (`--seed --json`) is a missing value, not the value `--json`; write
    /// `--seed=--json` to mean that.
    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        let known = parseableOptions
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") || Double(argument)?.isFinite == true {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                var name = body
                var inlineValue: String?
                if let equals = body.firstIndex(of: "=") {
                    name = body[..<equals]
                    inlineValue = String(body[body.index(after: equals)...])
                }
                guard let option = known.first(where: { $0.name == name }) else {
                    throw UsageError(command: path, message: "unknown option '--\(name)'" + suggestion(for: String(name)))
                }
                try take(option, inlineValue: inlineValue, spelled: "--\(name)", arguments, &index, into: &parsed)
                continue
            }
            // Short options: a run of flags, possibly ending in one option that takes a value.
            var letters = Substring(argument.dropFirst())
            while let letter = letters.first {
                letters = letters.dropFirst()
                guard let option = known.first(where: { $0.short == letter }) else {
                    throw UsageError(command: path, message: "unknown option '-\(letter)'"
                                     + (argument.count > 2 ? " in '\(argument)'" : ""))
                }
                if option.takesValue {
                    let rest = letters.hasPrefix("=") ? letters.dropFirst() : letters
                    try take(option, inlineValue: letters.isEmpty ? nil : String(rest), spelled: "-\(letter)",
                             arguments, &index, into: &parsed)
                    break
                }
                parsed.flags.insert(option.name)
                if letters.hasPrefix("=") {
                    throw UsageError(command: path, message: "option '-\(letter)' (--\(option.name)) takes no value")
                }
            }
        }
        if parsed.flags.contains("help") { return parsed }
        if parsed.positionals.count < positionals.lowerBound {
            let name = usage.split(separator: " ").first { !$0.hasPrefix("[") && !$0.hasPrefix("-") }
            if positionals.lowerBound == 1, let name {
                throw UsageError(command: path, message: "missing argument \(name)")
            }
            throw UsageError(command: path, message:
                "expected at least \(positionals.lowerBound) arguments, got \(parsed.positionals.count)")
        }
        if parsed.positionals.count > positionals.upperBound {
            let extra = parsed.positionals[positionals.upperBound]
            throw UsageError(command: path, message: "unexpected argument '\(extra)'")
        }
        return parsed
    }

    /// Records one option: a flag, or a value from `inlineValue` or the next argument.
    private func take(_ option: Option, inlineValue: String?, spelled: String, _ arguments: [String],
                      _ index: inout Int, into parsed: inout ParsedArguments) throws(UsageError) {
        guard option.takesValue else {
            if inlineValue != nil {
                throw UsageError(command: path, message: "option '\(spelled)' takes no value")
            }
            parsed.flags.insert(option.name)
            return
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else {
            guard index < arguments.count, !(arguments[index].hasPrefix("--") && arguments[index].count > 2) else {
                throw UsageError(command: path, message: "option '\(spelled)' needs a value (\(option.valueName))")
            }
            value = arguments[index]
            index += 1
        }
        if let bound = option.bound, !bound.accepts(value) {
            throw UsageError(command: path, message: bound.problem(option: spelled, value: value))
        }
        parsed.values[option.name, default: []].append(value)
    }

    /// "; did you mean '--x'?" for a misspelt long option: the one option the name abbreviates,
    /// else the one option within two edits of it.
    private func suggestion(for name: String) -> String {
        guard !name.isEmpty else { return "" }
        let prefixed = parseableOptions.filter { $0.name.hasPrefix(name) }
        let close = prefixed.isEmpty ? parseableOptions.filter { Self.editDistance($0.name, name) <= 2 } : prefixed
        guard close.count == 1 else { return "" }
        return "; did you mean '--\(close[0].name)'?"
    }

    /// Levenshtein distance, for suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The text `--help` prints.
    public var help: String {
        let line = (["vsynth"] + path + (usage.isEmpty ? [] : [usage])).joined(separator: " ")
        var text = "\(summary)\n\nUsage: \(line)\n"
        let all = parseableOptions
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
                text += "  " + label + String(repeating: " ", count: width - label.count) + option.helpText + "\n"
            }
        }
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        return text
    }
}
