import PromptFile

/// What a prompt file's `vsynth.backend` and `vsynth.model` change: a choice among the user's
/// named backends and models, or nothing and a warning at the value saying why.
extension ServerConfiguration {
    /// This configuration with the file's choices applied, and a warning for each choice ignored.
    /// A URL, a path or an unknown name never reaches the configuration.
    public func choosing(for settings: Settings) -> (configuration: ServerConfiguration, warnings: [PromptFileError]) {
        var chosen = self
        chosen.frame = settings.frame ?? frame
        var warnings: [PromptFileError] = []
        let named = namedModels
        if let name = settings.backend, let at = settings.ranges["backend"] {
            if let spec = named.backend(named: name) {
                if spec != backendSpec {
                    chosen.backend = spec
                    // The user's model belongs to the user's backend; the named one uses its own default.
                    chosen.modelPath = nil
                }
            } else {
                let why = Self.looksLikeLocation(name)
                    ? "is a url, not a name; a prompt file may only choose a backend the user configured by name"
                    : "names no configured backend"
                warnings.append(.settingIgnored(key: "vsynth.backend", reason: "'\(name)' \(why) (configured: \(named.backendNames)); "
                    + "the file is scored with the user's backend '\(backendLabel)'", at: at))
            }
        }
        if let name = settings.model, let at = settings.ranges["model"] {
            if let value = named.model(named: name) {
                chosen.modelPath = value
            } else {
                let why = Self.looksLikeLocation(name)
                    ? "is a path or url, not a name; a prompt file may only choose a model the user configured by name"
                    : "names no configured model"
                warnings.append(.settingIgnored(key: "vsynth.model", reason: "'\(name)' \(why) (configured: \(named.modelNames)); "
                    + "the file is scored with the user's model", at: at))
            }
        }
        return (chosen, warnings)
    }

    /// A URL or a file path, which a file may never give (as opposed to a name).
    static func looksLikeLocation(_ text: String) -> Bool {
        text.contains("/") || text.contains("\\") || text.contains(":") || text.hasPrefix("~") || text.hasPrefix(".")
            || text.lowercased().hasSuffix(".gguf")
    }

    /// The configured backend for messages: its name when it is a named one, else its kind.
    var backendLabel: String {
        if backendSpec == "embedded" { return "embedded" }
        if namedModels.backend(named: backend) != nil { return NamedModels.normalised(backend) }
        return namedModels.backends.first { $0.value == backend }?.key ?? "configured"
    }
}
