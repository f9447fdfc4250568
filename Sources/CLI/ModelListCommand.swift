import Foundation

/// `vsynth model list`: the catalog, and which of its models are installed.
enum ModelListCommand: Command {
    static let spec = CommandSpec(
        path: ["model", "list"],
        summary: "List the models 'vsynth model fetch NAME' knows, and which are installed.",
        usage: "",
        options: NoOptions(),
        discussion: """
        A NAME here works wherever a model is asked for: --model NAME, the daemon's model setting,
        a prompt file's vsynth.model. Installed models are in ${VSYNTH_MODELS:-~/.cache/vsynth/models}.
        """)

    static func run(_ arguments: CommandArguments<NoOptions>) async throws -> Int32 {
        let store = ModelStore()
        var rows = [["name", "size", "architecture", "type", "installed", "description"]]
        for model in ModelSpec.catalog {
            let path = store.directory + "/" + model.fileName
            rows.append([model.name, String(format: "%.0f MiB", Double(model.approximateBytes) / 1_048_576),
                         model.architecture, model.weightType,
                         FileManager.default.isRegularFile(atPath: path) ? path : "no", model.summary])
        }
        Console.out(EvalCommand.table(rows))
        return 0
    }
}
