/// A `vsynth` subcommand: its spec (names, options, help) and what it does.
/// Add a new command as one file `XCommand.swift` (a caseless `enum XCommand: Command` is the usual
/// shape) and list it in `VSynthCLI.commands`.
public protocol Command: Sendable {
    static var spec: CommandSpec { get }
    /// Runs the command; returns the process exit code. Throw `UsageError` for exit code 2,
    /// any other error for exit code 1 (printed as `vsynth: <error>`).
    static func run(_ arguments: ParsedArguments) async throws -> Int32
}
