/// The options of a command, declared once as stored properties: `Option`s and nested groups
/// (`SynthesisOptionGroup`), in the order `--help` lists them. The spec's option list
/// (`CommandSpec(…, options: Options())`) is read from them, and the command reads their values
/// through key paths into them (`CommandArguments`).
public protocol OptionGroup: Sendable {
    init()
}

extension OptionGroup {
    /// Every option declared, in declaration order, nested groups in place.
    public var declarations: [CommandSpec.Option] {
        Mirror(reflecting: self).children.flatMap { child -> [CommandSpec.Option] in
            if let option = child.value as? any OptionDeclaration { return [option.declaration] }
            if let group = child.value as? any OptionGroup { return group.declarations }
            return []
        }
    }
}

/// What `declarations` collects: an `Option` of any value type.
protocol OptionDeclaration {
    var declaration: CommandSpec.Option { get }
}

extension Option: OptionDeclaration {}

/// The options of a command that takes none (besides `--help`).
public struct NoOptions: OptionGroup {
    public init() {}
}
