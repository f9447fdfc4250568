import LanguageModel

/// VSynth's settings from the frontmatter's `vsynth` map (or dotted `vsynth.key` keys, or
/// Dotprompt's `ext: {vsynth: {...}}`). Unset values are nil: the consumer applies its defaults.
public struct Settings: Sendable, Equatable {
    /// When VSynth rescoring/topping up runs for a file.
    public enum Refresh: String, Sendable, Codable, CaseIterable {
        /// Only on explicit command.
        case off
        /// Rescore demonstrations when the file changes; never insert by itself.
        case score
        /// Rescore and top up to `count` when the file is saved.
        case onSave = "on-save"
    }

    /// `vsynth.task`: the task definition T (wins over `description`), trimmed.
    public var task: String?
    /// `vsynth.count`: how many demonstrations the file should hold (`Limits.count`).
    public var count: Int?
    /// `vsynth.threshold`: V-Score (nats) under which a demonstration is flagged (`Limits.threshold`).
    public var threshold: Double?
    /// `vsynth.seed`: the seed that makes synthesis reproducible (`Limits.seed`).
    public var seed: Int?
    /// `vsynth.refresh`: `off` | `score` | `on-save`.
    public var refresh: Refresh?
    /// `vsynth.model`: the model VSynth scores and synthesizes with (a GGUF path or a backend's
    /// model name). Distinct from Dotprompt's top-level `model`, the model the prompt runs on.
    public var model: String?
    /// `vsynth.backend`: `embedded` or a remote backend's URL/name.
    public var backend: String?
    /// `vsynth.frame`: the V-Score frame (chat template) to score and prompt in instead of the
    /// model's own (`chatml`, `llama3`, `gemma`, `plain`).
    public var frame: ChatTemplate.Kind?
    /// `vsynth.input_label`: what X is called in the demonstration format (default "Input").
    public var inputLabel: String
    /// `vsynth.output_label`: what Y is called (default "Output").
    public var outputLabel: String
    /// `vsynth.labels`: the task's answer set; with it, every synthesized output is exactly one of
    /// these strings, spelt as written here. Distinct, non-empty, single-line; at least two.
    public var labels: [String]?

    /// Where each given setting's value is written, by key (`count`, `input_label`, …).
    public var ranges: [String: SourceRange]

    public static let defaultInputLabel = "Input"
    public static let defaultOutputLabel = "Output"
    /// The keys VSynth knows under `vsynth`.
    public static let knownKeys = ["task", "count", "threshold", "seed", "refresh", "model", "backend",
                                   "input_label", "output_label", "labels", "frame"]

    public init(task: String? = nil, count: Int? = nil, threshold: Double? = nil, seed: Int? = nil,
                refresh: Refresh? = nil, model: String? = nil, backend: String? = nil,
                inputLabel: String = Settings.defaultInputLabel, outputLabel: String = Settings.defaultOutputLabel,
                ranges: [String: SourceRange] = [:], labels: [String]? = nil, frame: ChatTemplate.Kind? = nil) {
        self.task = task
        self.count = count
        self.threshold = threshold
        self.seed = seed
        self.refresh = refresh
        self.model = model
        self.backend = backend
        self.inputLabel = inputLabel
        self.outputLabel = outputLabel
        self.ranges = ranges
        self.labels = labels
        self.frame = frame
    }
}
