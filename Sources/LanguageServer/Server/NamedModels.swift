import Foundation

/// The backends and models the user configured by name: the only ones a prompt file may choose
/// with `vsynth.backend` and `vsynth.model`. Files come from repositories people clone, so a file
/// names a choice the user made, never a URL or a path of its own (docs/lsp.md, "Security model").
///
/// Names come from the environment (`VSYNTH_BACKEND_<NAME>=SPEC`, `VSYNTH_MODEL_<NAME>=PATH`) and
/// from the client's settings (`backends: {name: spec}`, `models: {name: path-or-model}`), which win.
/// `embedded` is always a backend. Names compare without case, `-` and `_` alike.
public struct NamedModels: Sendable, Equatable {
    /// Backend specs (`[KIND+]URL…`, `embedded` or `generate=… score=…`) by normalised name.
    public var backends: [String: String] = [:]
    /// GGUF paths (embedded) or remote model names, by normalised name.
    public var models: [String: String] = [:]

    public init(backends: [String: String] = [:], models: [String: String] = [:]) {
        for (name, spec) in backends { self.backends[Self.normalised(name)] = spec }
        for (name, value) in models { self.models[Self.normalised(name)] = value }
    }

    /// The names configured in `environment`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> NamedModels {
        var named = NamedModels()
        for (variable, value) in environment where !value.isEmpty {
            if variable.hasPrefix("VSYNTH_BACKEND_"), variable.count > "VSYNTH_BACKEND_".count {
                named.backends[normalised(String(variable.dropFirst("VSYNTH_BACKEND_".count)))] = value
            } else if variable.hasPrefix("VSYNTH_MODEL_"), variable.count > "VSYNTH_MODEL_".count {
                named.models[normalised(String(variable.dropFirst("VSYNTH_MODEL_".count)))] = value
            }
        }
        return named
    }

    /// `big_GPU` and `big-gpu` are one name.
    public static func normalised(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// The spec of backend `name` (`embedded` always exists), or nil.
    public func backend(named name: String) -> String? {
        let key = Self.normalised(name)
        return key == "embedded" ? "embedded" : backends[key]
    }

    public func model(named name: String) -> String? { models[Self.normalised(name)] }

    /// `name`, `other` (sorted) for messages.
    var backendNames: String { (["embedded"] + backends.keys.sorted()).joined(separator: ", ") }
    var modelNames: String { models.isEmpty ? "none" : models.keys.sorted().joined(separator: ", ") }

    /// Other entries win over these (settings over the environment).
    mutating func merge(_ other: NamedModels) {
        backends.merge(other.backends) { _, new in new }
        models.merge(other.models) { _, new in new }
    }
}
