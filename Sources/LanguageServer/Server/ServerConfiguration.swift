import JSONRPC
import LanguageModel
import PromptFile
import VSynthesis

/// The daemon's settings, from `initializationOptions` and `workspace/didChangeConfiguration`
/// (either the map itself or `{"vsynth": {...}}`). A file's own frontmatter settings (`count`,
/// `threshold`, `seed`, `refresh`) win over these for that file. Numbers are checked against
/// `Limits`, the table prompt files and the CLI are checked against too.
public struct ServerConfiguration: Sendable, Equatable {
    /// `embedded` or a remote backend.
    public var backend: String = "embedded"
    /// The GGUF file (embedded) or the backend's model name; nil: the default model.
    public var modelPath: String?
    /// The V-Score frame instead of the model's template (`frame`; a file's `vsynth.frame` wins).
    public var frame: ChatTemplate.Kind?
    /// Engine threads; 0 = all cores.
    public var threads: Int = 0
    /// V-Score (nats) under which a demonstration gets a warning.
    public var threshold: Double = 0
    /// How many demonstrations a file should hold (top-up target) and a synthesis adds by default.
    public var count: Int = TopUp.defaultCount
    public var seed: UInt64 = 0
    public var refresh: Settings.Refresh = .score
    /// The pause after typing before scoring starts.
    public var debounceMilliseconds: Int = 300
    /// Whether to send `vsynth/status` notifications.
    public var statusNotifications: Bool = false
    /// Synthesis scale N per inserted demonstration (the pool is `max(N, n)`).
    public var scale: Int = 8
    /// Candidates of a synthesis round generated at once (`SynthesisOptions.parallelism`).
    public var parallel: Int = SynthesisOptions().parallelism
    /// The backends and models a prompt file may choose by name (`backends`, `models` settings).
    public var named = NamedModels()
    /// The names from the environment (`VSYNTH_BACKEND_<NAME>`, `VSYNTH_MODEL_<NAME>`), under `named`.
    public var environmentNames = NamedModels.fromEnvironment()

    /// Every name a file may choose: the settings' over the environment's.
    public var namedModels: NamedModels {
        var all = environmentNames
        all.merge(named)
        return all
    }

    public init() {}

    /// The keys `update(from:)` reads.
    public static let keys = ["backend", "model", "modelPath", "threads", "threshold", "count", "seed", "refresh",
                              "debounce", "statusNotifications", "scale", "parallel", "backends", "models", "frame"]

    /// Reads the settings present in `value`, leaving the others as they are. Returns one warning
    /// per unknown key; throws for a known key with a value of the wrong type or range.
    @discardableResult
    public mutating func update(from value: JSONValue?) throws(LanguageServerError) -> [String] {
        guard var members = value?.objectValue else { return [] }
        if let nested = members["vsynth"]?.objectValue { members = nested }
        var warnings: [String] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where !value.isNull {
            switch key {
            case "backend": backend = try Self.string(key, value)
            case "model", "modelPath": modelPath = try Self.string(key, value)
            case "threads": threads = try Self.integer(key, value, in: Limits.threads)
            case "threshold":
                guard let number = value.doubleValue, number.isFinite, Limits.threshold.contains(number) else {
                    throw .invalidSetting(key: key, reason: "expected a number in \(Limits.text(Limits.threshold)), got \(value.serializedString())")
                }
                threshold = number
            case "count": count = try Self.integer(key, value, in: Limits.count)
            case "seed": seed = UInt64(try Self.integer(key, value, in: Limits.seed))
            case "refresh":
                let text = try Self.string(key, value)
                guard let mode = Settings.Refresh(rawValue: text) else {
                    throw .invalidSetting(key: key, reason: "expected off, score or on-save, got \(text)")
                }
                refresh = mode
            case "frame":
                let text = try Self.string(key, value)
                guard let kind = ChatTemplate.Kind(rawValue: text) else {
                    throw .invalidSetting(key: key, reason: "expected \(ChatTemplate.Kind.names.joined(separator: ", ")), got \(text)")
                }
                frame = kind
            case "debounce": debounceMilliseconds = try Self.integer(key, value, in: Limits.debounce)
            case "statusNotifications":
                guard let flag = value.boolValue else {
                    throw .invalidSetting(key: key, reason: "expected true or false, got \(value.serializedString())")
                }
                statusNotifications = flag
            case "scale": scale = try Self.integer(key, value, in: Limits.scale)
            case "parallel": parallel = try Self.integer(key, value, in: Limits.parallel)
            case "backends", "models":
                guard let map = value.objectValue else {
                    throw .invalidSetting(key: key, reason: "expected a map of names to strings, got \(value.serializedString())")
                }
                var strings: [String: String] = [:]
                for (name, entry) in map { strings[name] = try Self.string("\(key).\(name)", entry) }
                if key == "backends" { named.backends = NamedModels(backends: strings).backends } else { named.models = NamedModels(models: strings).models }
            default: warnings.append("unknown setting \(key)")
            }
        }
        return warnings
    }

    static func string(_ key: String, _ value: JSONValue) throws(LanguageServerError) -> String {
        guard let text = value.stringValue else {
            throw .invalidSetting(key: key, reason: "expected a string, got \(value.serializedString())")
        }
        return text
    }

    /// An integer setting inside its `Limits` range.
    static func integer(_ key: String, _ value: JSONValue, in range: ClosedRange<Int>) throws(LanguageServerError) -> Int {
        guard let number = value.integerValue, let int = Int(exactly: number) else {
            throw .invalidSetting(key: key, reason: "expected an integer, got \(value.serializedString())")
        }
        guard range.contains(int) else { throw .invalidSetting(key: key, reason: "must be in \(Limits.text(range)), got \(int)") }
        return int
    }

    /// The settings that decide which model is loaded: a change reloads it.
    var modelKey: String { "\(backend)|\(modelPath ?? "")|\(threads)" }

    /// `backend`, resolved when it is a configured name rather than a spec (the CLI's `--backend`
    /// and the client's `backend` setting may name one).
    public var backendSpec: String { namedModels.backend(named: backend) ?? backend }
}
