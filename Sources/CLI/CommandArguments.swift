/// What a command's `run` gets: the positionals, and each option's value read through a key path
/// into the command's declared `Options`: `arguments[\.write]` is a `Bool`, `arguments[\.jobs]` an
/// `Int`. There is no lookup by name, so reading an option the command does not declare does not
/// compile.
public struct CommandArguments<Options: OptionGroup>: Sendable {
    public let positionals: [String]
    /// The declarations themselves (what a group shows as its defaults), not the values.
    public let declared: Options
    /// The command's path, for usage errors.
    let command: [String]
    private let parsed: ParsedArguments

    init(_ parsed: ParsedArguments, command: [String]) {
        self.positionals = parsed.positionals
        self.declared = Options()
        self.command = command
        self.parsed = parsed
    }

    /// The value of a declared option (its default, or nil, when it is not given).
    public subscript<Value>(_ option: KeyPath<Options, Option<Value>>) -> Value {
        get throws(UsageError) { try declared[keyPath: option].value(in: parsed, command: command) }
    }

    /// Whether a declared option is on the command line at all.
    public func given<Value>(_ option: KeyPath<Options, Option<Value>>) -> Bool {
        isGiven(declared[keyPath: option].declaration.name)
    }

    /// The name of the first of `options` (key paths to `Option`s of any kind) on the command line.
    public func firstGiven(_ options: [PartialKeyPath<Options>]) -> String? {
        options.lazy.compactMap { (self.declared[keyPath: $0] as? any OptionDeclaration)?.declaration.name }
            .first(where: isGiven)
    }

    private func isGiven(_ name: String) -> Bool {
        parsed.flags.contains(name) || parsed.values[name] != nil
    }
}
