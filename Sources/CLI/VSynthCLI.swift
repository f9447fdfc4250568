/// Entry point of the command line; `vsynth/main.swift` only calls `VSynthCLI.main`.
public enum VSynthCLI {
    public static let version = "0.1.0"

    /// Every subcommand, in the order `vsynth --help` lists them.
    public static let commands: [any Command.Type] = [
        ParseCommand.self,
        GenerateCommand.self,
        LogprobsCommand.self,
        BenchEngineCommand.self,
        BenchKernelsCommand.self,
        ScoreCommand.self,
        SynthesizeCommand.self,
        EvalConsistencyCommand.self,
        EvalSynthesisCommand.self,
        EvalICLCommand.self,
    ]

    /// Runs `vsynth` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            Console.out(overview)
            return arguments.isEmpty ? 2 : 0
        }
        if arguments == ["--version"] || arguments == ["version"] {
            Console.out("vsynth \(version)")
            return 0
        }
        // The longest command path that prefixes the arguments wins (`model fetch` before `model`).
        let match = commands
            .filter { arguments.starts(with: $0.spec.path) }
            .max { $0.spec.path.count < $1.spec.path.count }
        guard let command = match else {
            let group = commands.filter { $0.spec.path.first == arguments[0] }
            if !group.isEmpty {
                Console.err(UsageError(command: [arguments[0]], message: arguments.count > 1
                    ? "unknown subcommand '\(arguments[1])'" : "needs a subcommand").description)
                Console.err("\nSubcommands:\n" + group.map { "  vsynth \($0.spec.path.joined(separator: " "))  \($0.spec.summary)" }.joined(separator: "\n"))
                return 2
            }
            Console.err("vsynth: unknown command '\(arguments[0])'\nRun 'vsynth --help' for the list of commands.")
            return 2
        }
        let rest = Array(arguments.dropFirst(command.spec.path.count))
        do {
            let parsed = try command.spec.parse(rest)
            if parsed.flag("help") {
                Console.out(command.spec.help)
                return 0
            }
            return try await command.run(parsed)
        } catch let error as UsageError {
            Console.err(error.description)
            return 2
        } catch {
            Console.err("vsynth: \(error)")
            return 1
        }
    }

    /// `vsynth --help`.
    public static var overview: String {
        var text = """
        vsynth \(version): few-shot demonstrations for LLM prompt files, scored by V-Score.

        Usage: vsynth COMMAND [OPTIONS]

        Commands:

        """
        let width = (commands.map { $0.spec.path.joined(separator: " ").count }.max() ?? 0) + 2
        for command in commands {
            let name = command.spec.path.joined(separator: " ")
            text += "  " + name + String(repeating: " ", count: width - name.count) + command.spec.summary + "\n"
        }
        text += "\nRun 'vsynth COMMAND --help' for a command's options. 'vsynth --version' prints the version."
        return text
    }
}
