/// Entry point of the command line; `vsynth/main.swift` only calls `VSynthCLI.main`.
///
/// Exit codes: 0 success, 1 the command failed (`vsynth: <error>` on stderr), 2 usage error
/// (message and a `--help` hint on stderr).
public enum VSynthCLI {
    public static let version = "0.1.0"

    /// Every subcommand, in the order `vsynth --help` lists them.
    public static let commands: [any Command.Type] = [
        ParseCommand.self,
        ScoreCommand.self,
        SynthesizeCommand.self,
        EvalConsistencyCommand.self,
        EvalSynthesisCommand.self,
        EvalICLCommand.self,
        EvalLabelsCommand.self,
        LSPCommand.self,
        GenerateCommand.self,
        LogprobsCommand.self,
        ModelListCommand.self,
        ModelFetchCommand.self,
        ModelInfoCommand.self,
        ModelPathCommand.self,
        BackendCheckCommand.self,
        BenchEngineCommand.self,
        BenchKernelsCommand.self,
        BenchLSPCommand.self,
    ]

    /// Runs `vsynth` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        guard let first = arguments.first else {
            Console.err(overview)
            return 2
        }
        if arguments == ["--help"] || arguments == ["-h"] {
            Console.out(overview)
            return 0
        }
        if arguments == ["--version"] || arguments == ["version"] {
            Console.out("vsynth \(version)")
            return 0
        }
        if first == "help" { return help(for: Array(arguments.dropFirst())) }
        if first.hasPrefix("-") {
            Console.err("vsynth: unknown option '\(first)'\nRun 'vsynth --help' for usage.")
            return 2
        }
        guard let command = command(for: arguments) else {
            return unknownCommand(arguments)
        }
        let rest = Array(arguments.dropFirst(command.spec.path.count))
        do {
            let parsed = try command.spec.parse(rest)
            if parsed.flag("help") {
                Console.out(command.spec.help)
                return 0
            }
            return try await command.run(parsed: parsed)
        } catch let error as UsageError {
            Console.err(error.description)
            return 2
        } catch {
            Console.err("vsynth: " + CLIError.report(error))
            return 1
        }
    }

    /// The command whose path is the longest prefix of `arguments` (`model fetch` before `model`).
    static func command(for arguments: [String]) -> (any Command.Type)? {
        commands
            .filter { arguments.starts(with: $0.spec.path) }
            .max { $0.spec.path.count < $1.spec.path.count }
    }

    /// Commands whose path starts with `prefix` but is longer (the members of a group like `model`).
    static func group(_ prefix: [String]) -> [any Command.Type] {
        commands.filter { $0.spec.path.count > prefix.count && $0.spec.path.starts(with: prefix) }
    }

    /// `vsynth help [COMMAND...]`: the overview, one command's help, or a group's list.
    /// `vsynth help --markdown` prints the README's CLI reference.
    static func help(for path: [String]) -> Int32 {
        if path.isEmpty {
            Console.out(overview)
            return 0
        }
        if path == ["--markdown"] {
            Console.out(referenceMarkdown, terminator: "")
            return 0
        }
        if let command = commands.first(where: { $0.spec.path == path }) {
            Console.out(command.spec.help)
            return 0
        }
        let members = group(path)
        if !members.isEmpty {
            Console.out(groupHelp(path, members))
            return 0
        }
        Console.err("vsynth: no help for unknown command '\(path.joined(separator: " "))'\nRun 'vsynth --help' for the list of commands.")
        return 2
    }

    /// Usage errors for a command line that names no command: a group without (or with an unknown)
    /// subcommand, `vsynth GROUP --help`, or an unknown command.
    static func unknownCommand(_ arguments: [String]) -> Int32 {
        // The longest prefix of the arguments that is a group (`model` in `model frobnicate`).
        for length in stride(from: arguments.count, through: 1, by: -1) {
            let prefix = Array(arguments.prefix(length))
            let members = group(prefix)
            guard !members.isEmpty else { continue }
            let rest = arguments.dropFirst(length)
            if rest.first == "--help" || rest.first == "-h" {
                Console.out(groupHelp(prefix, members))
                return 0
            }
            let message = rest.first.map { "unknown subcommand '\($0)'" } ?? "needs a subcommand"
            Console.err(UsageError(command: prefix, message: message).description)
            Console.err("\n" + groupHelp(prefix, members))
            return 2
        }
        Console.err("vsynth: unknown command '\(arguments[0])'\nRun 'vsynth --help' for the list of commands.")
        return 2
    }

    /// The list of a group's subcommands.
    static func groupHelp(_ prefix: [String], _ members: [any Command.Type]) -> String {
        var text = "Usage: vsynth \(prefix.joined(separator: " ")) SUBCOMMAND [OPTIONS]\n\nSubcommands:\n"
        text += table(members)
        text += "\nRun 'vsynth \(prefix.joined(separator: " ")) SUBCOMMAND --help' for a subcommand's options."
        return text
    }

    /// `vsynth --help`.
    public static var overview: String {
        var text = """
        vsynth \(version): few-shot demonstrations for LLM prompt files, scored by V-Score.

        Usage: vsynth COMMAND [OPTIONS]

        Commands:

        """
        text += table(commands)
        text += "\nRun 'vsynth COMMAND --help' (or 'vsynth help COMMAND') for a command's options.\n"
        text += "'vsynth --version' prints the version. Exit codes: 0 success, 1 failure, 2 usage error."
        return text
    }

    /// One line per command: its path, padded, and its summary.
    static func table(_ list: [any Command.Type]) -> String {
        let width = (list.map { $0.spec.path.joined(separator: " ").count }.max() ?? 0) + 2
        var text = ""
        for command in list {
            let name = command.spec.path.joined(separator: " ")
            text += "  " + name + String(repeating: " ", count: width - name.count) + command.spec.summary + "\n"
        }
        return text
    }
}
