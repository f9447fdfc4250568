/// One option as a command declares and reads it: its declaration (`CommandSpec.Option`: name,
/// short name, value placeholder, help, bound, default), from which the parser, `--help` and the
/// README reference work, and how its value is read as a `Value`. A command lists its options as
/// the stored properties of its `Options` (an `OptionGroup`) and reads each one through a key path
/// into them, `arguments[\.write]` (`CommandArguments`): one declaration per option, and no way to
/// read one that is not declared.
public struct Option<Value: Sendable>: Sendable {
    public let declaration: CommandSpec.Option
    private let read: @Sendable (ParsedArguments, [String]) throws(UsageError) -> Value

    init(_ declaration: CommandSpec.Option,
         read: @escaping @Sendable (ParsedArguments, [String]) throws(UsageError) -> Value) {
        self.declaration = declaration
        self.read = read
    }

    /// The value on the command line `parsed` of the command at `command` (for messages).
    func value(in parsed: ParsedArguments, command: [String]) throws(UsageError) -> Value {
        try read(parsed, command)
    }

    /// A default as help shows it: `0.8`, `1` (not `1.0`), `512`.
    static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
    }
}

extension Option where Value == Bool {
    /// `--name`: true when given.
    static func flag(_ name: String, short: Character? = nil, help: String) -> Self {
        Self(.init(name, short: short, help: help)) { parsed, _ in parsed.flag(name) }
    }
}

extension Option where Value == String? {
    /// `--name TEXT`: the last value given, or nil; `shownDefault` is what help says no value means.
    static func text(_ name: String, short: Character? = nil, value: String, shownDefault: String? = nil,
                     help: String) -> Self {
        Self(.init(name, short: short, value: value, shownDefault: shownDefault, help: help)) { parsed, _ in
            parsed.value(name)
        }
    }
}

extension Option where Value == String {
    /// `--name TEXT`: the last value given, else `default`.
    static func text(_ name: String, short: Character? = nil, value: String, default: String, help: String) -> Self {
        Self(.init(name, short: short, value: value, shownDefault: `default`, help: help)) { parsed, _ in
            parsed.value(name) ?? `default`
        }
    }
}

extension Option where Value == [String] {
    /// `--name TEXT`, repeatable: every value given, in order.
    static func repeated(_ name: String, value: String, help: String) -> Self {
        Self(.init(name, value: value, help: help)) { parsed, _ in parsed.allValues(name) }
    }
}

extension Option where Value == Int? {
    /// `--name N` inside `bound` (checked as it is parsed), or nil; `shownDefault` is what help
    /// says no value means.
    static func integer(_ name: String, short: Character? = nil, value: String, bound: ClosedRange<Int>,
                        shownDefault: String? = nil, help: String) -> Self {
        Self(.init(name, short: short, value: value, bound: .integer(bound), shownDefault: shownDefault, help: help)) {
            parsed, command throws(UsageError) in try parsed.int(name, command: command)
        }
    }
}

extension Option where Value == Int {
    /// `--name N` inside `bound`, else `default`.
    static func integer(_ name: String, short: Character? = nil, value: String, bound: ClosedRange<Int>,
                        default: Int, help: String) -> Self {
        Self(.init(name, short: short, value: value, bound: .integer(bound), shownDefault: "\(`default`)", help: help)) {
            parsed, command throws(UsageError) in try parsed.int(name, command: command) ?? `default`
        }
    }
}

extension Option where Value == Double? {
    /// `--name X`, finite and inside `bound`, or nil; `shownDefault` is what help says no value means.
    static func number(_ name: String, short: Character? = nil, value: String, bound: ClosedRange<Double>,
                       shownDefault: Double? = nil, help: String) -> Self {
        Self(.init(name, short: short, value: value, bound: .number(bound), shownDefault: shownDefault.map(Self.text),
                   help: help)) { parsed, command throws(UsageError) in try parsed.double(name, command: command) }
    }
}

extension Option where Value == Double {
    /// `--name X`, finite and inside `bound`, else `default`.
    static func number(_ name: String, short: Character? = nil, value: String, bound: ClosedRange<Double>,
                       default: Double, help: String) -> Self {
        Self(.init(name, short: short, value: value, bound: .number(bound), shownDefault: Self.text(`default`), help: help)) {
            parsed, command throws(UsageError) in try parsed.double(name, command: command) ?? `default`
        }
    }
}

extension Option where Value: RawRepresentable, Value.RawValue == String {
    /// `--name WORD`, one of `choices` by its raw value, else `default`. Any other word is a usage
    /// error listing the choices in the order given.
    static func choice(_ name: String, value: String, choices: [Value], default: Value, help: String) -> Self {
        Self(.init(name, value: value, shownDefault: `default`.rawValue, help: help)) { parsed, command throws(UsageError) in
            try choose(name, parsed, command, choices) ?? `default`
        }
    }
}

extension Option {
    /// `--name WORD`, one of `choices`, or nil; `shownDefault` is what help says no value means.
    static func choice<Choice: RawRepresentable & Sendable>(_ name: String, value: String, choices: [Choice],
                                                            shownDefault: String? = nil, help: String) -> Option<Choice?>
        where Choice.RawValue == String {
        Option<Choice?>(.init(name, value: value, shownDefault: shownDefault, help: help)) { parsed, command throws(UsageError) in
            try choose(name, parsed, command, choices)
        }
    }

    /// The choice named on the command line, nil when none is.
    static func choose<Choice: RawRepresentable>(_ name: String, _ parsed: ParsedArguments, _ command: [String],
                                                 _ choices: [Choice]) throws(UsageError) -> Choice?
        where Choice.RawValue == String {
        guard let word = parsed.value(name) else { return nil }
        if let choice = choices.first(where: { $0.rawValue == word }) { return choice }
        let names = choices.map(\.rawValue)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1] : names.joined()
        throw UsageError(command: command, message: "option '--\(name)' needs \(list), got '\(word)'")
    }
}

extension Option {
    /// `--name A,B,…`: the comma-separated items of the value given, else of `default`, each read by
    /// `item`. An item it cannot read (an empty one too) is a usage error naming the option, the item
    /// and `expected`, what an item is.
    static func list<Item: Sendable>(_ name: String, value: String = "LIST", default: String, expected: String,
                                     help: String, item: @escaping @Sendable (String) -> Item?) -> Option<[Item]> {
        Option<[Item]>(.init(name, value: value, shownDefault: `default`, help: help)) { parsed, command throws(UsageError) in
            try items(parsed.value(name) ?? `default`, of: name, command: command, expected: expected, item: item)
        }
    }

    /// As `list` with no default: nil when the option is not given.
    static func list<Item: Sendable>(_ name: String, value: String = "LIST", expected: String, help: String,
                                     item: @escaping @Sendable (String) -> Item?) -> Option<[Item]?> {
        Option<[Item]?>(.init(name, value: value, help: help)) { parsed, command throws(UsageError) in
            guard let text = parsed.value(name) else { return nil }
            return try items(text, of: name, command: command, expected: expected, item: item)
        }
    }

    /// `--name A,B,…`, each one of `choices` by its raw value, else `default`.
    static func choiceList<Choice: RawRepresentable & Sendable>(_ name: String, choices: [Choice], default: [Choice],
                                                                help: String) -> Option<[Choice]>
        where Choice.RawValue == String {
        list(name, default: `default`.map(\.rawValue).joined(separator: ","),
             expected: "one of " + choices.map(\.rawValue).joined(separator: ", "), help: help) { word in
            choices.first { $0.rawValue == word }
        }
    }

    /// The items of one comma-separated value, spaces around each ignored.
    static func items<Item>(_ text: String, of name: String, command: [String], expected: String,
                            item: (String) -> Item?) throws(UsageError) -> [Item] {
        var items: [Item] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            guard let value = item(word) else {
                throw UsageError(command: command, message: "option '--\(name)': '\(word)' is not \(expected)")
            }
            items.append(value)
        }
        return items
    }
}
