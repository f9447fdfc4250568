/// A `vsynth` subcommand: its options, its spec (names, options, help) and what it does.
/// Add a new command as one file `XCommand.swift` (a caseless `enum XCommand: Command` is the usual
/// shape) and list it in `VSynthCLI.commands`:
///
///     enum XCommand: Command {
///         struct Options: OptionGroup {
///             let json: Option<Bool> = .flag("json", help: "Print JSON.")
///             let runs: Option<Int> = .integer("runs", value: "N", bound: Limits.benchRuns, default: 5, help: "Runs.")
///         }
///         static let spec = CommandSpec(path: ["x"], summary: "…", usage: "[--json]", options: Options())
///         static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
///             let runs = try arguments[\.runs]
///             …
///         }
///     }
public protocol Command: Sendable {
    /// The options the command declares, each once; `spec` lists them (`options: Options()`).
    associatedtype Options: OptionGroup
    static var spec: CommandSpec { get }
    /// Runs the command; returns the process exit code. Throw `UsageError` for exit code 2,
    /// any other error for exit code 1 (printed as `vsynth: <error>`).
    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32
}

extension Command {
    /// Runs the command on what `spec` parsed.
    static func run(parsed: ParsedArguments) async throws -> Int32 {
        try await run(CommandArguments(parsed, command: spec.path))
    }
}
