/// `vsynth model path`: prints the model file commands would use.
enum ModelPathCommand: Command {
    static let spec = CommandSpec(
        path: ["model", "path"],
        summary: "Print the path of the model file that commands use.",
        usage: "",
        options: NoOptions(),
        discussion: """
        The path is $VSYNTH_MODEL when that is set (any GGUF file), else
        ${VSYNTH_MODELS:-~/.cache/vsynth/models}/\(ModelSpec.smolLM2.fileName).
        Prints the path either way; exits with 1 and a hint on stderr when the file does not exist.
        """)

    static func run(_ arguments: CommandArguments<NoOptions>) async throws -> Int32 {
        let store = ModelStore()
        Console.out(store.location.path)
        _ = try store.existingModel()
        return 0
    }
}
