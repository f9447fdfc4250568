import Foundation

/// Where the embedded default model lives: `--model PATH` if given, else `$VSYNTH_MODEL`, else
/// `${VSYNTH_MODELS:-~/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf` (a leading `~/` in the
/// option and the variables is expanded here, the one place that does it). The one rule: the CLI's
/// `ModelStore` and `ModelFactory` (every command and the daemon) and the tests all ask here.
public enum ModelLocator {
    /// File name of the embedded default model.
    public static let defaultFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The directory models are fetched into.
    public static func modelsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["VSYNTH_MODELS"], !directory.isEmpty { return expandingTilde(directory, environment) }
        return home(environment) + "/.cache/vsynth/models"
    }

    /// The model path to use (whether or not the file exists); `fileName` inside the models directory.
    public static func path(explicit: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            fileName: String = defaultFileName) -> String {
        if let explicit, !explicit.isEmpty { return expandingTilde(explicit, environment) }
        if let path = environment["VSYNTH_MODEL"], !path.isEmpty { return expandingTilde(path, environment) }
        return modelsDirectory(environment: environment) + "/" + fileName
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    private static func expandingTilde(_ path: String, _ environment: [String: String]) -> String {
        path == "~" ? home(environment) : path.hasPrefix("~/") ? home(environment) + path.dropFirst(1) : path
    }

    /// The path, or an error telling the user how to get the model when the file is missing.
    public static func existingPath(explicit: String? = nil,
                                    environment: [String: String] = ProcessInfo.processInfo.environment) throws(InferenceError) -> String {
        let path = path(explicit: explicit, environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { throw .modelNotFound(path: path) }
        return path
    }
}
