/// Dotprompt's `output.format`: what the model's turn is. VSynth constrains and validates `json`
/// outputs against `output.schema`; other formats are plain text to it.
public enum OutputFormat: Sendable, Hashable {
    case json
    case text
    /// A format Dotprompt runtimes may define (`jsonl`, `media`, …), treated as text.
    case other(String)

    public init(name: String) {
        switch name {
        case "json": self = .json
        case "text": self = .text
        default: self = .other(name)
        }
    }

    public var name: String {
        switch self {
        case .json: return "json"
        case .text: return "text"
        case .other(let name): return name
        }
    }
}
