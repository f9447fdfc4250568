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
