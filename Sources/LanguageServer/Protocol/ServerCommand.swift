/// The commands `workspace/executeCommand` runs. Each takes one argument object with at least the
/// document's `uri`.
public enum ServerCommand: String, CaseIterable, Sendable {
    /// `{uri, n}`: synthesize n demonstrations and insert them after the file's own.
    case synthesize = "vsynth.synthesize"
    /// `{uri}`: synthesize until the file holds its `count` demonstrations.
    case topUp = "vsynth.topUp"
    /// `{uri}`: replace the demonstration with the lowest V-Score by a synthesized one.
    case replaceWeakest = "vsynth.replaceWeakest"
    /// `{uri}`: score the file's demonstrations again now (no debounce).
    case rescore = "vsynth.rescore"
    /// `{uri?}`: stop the synthesis running for `uri` (every one without it).
    case cancel = "vsynth.cancel"
    /// `{uri}`: what saving a `refresh: on-save` file does, on demand: top up to `count` when the
    /// file holds fewer, else rescore now.
    case refresh = "vsynth.refresh"

    /// The title code actions show.
    public var title: String {
        switch self {
        case .synthesize: "VSynth: synthesize demonstrations"
        case .topUp: "VSynth: top up to count"
        case .replaceWeakest: "VSynth: replace the weakest demonstration"
        case .rescore: "VSynth: rescore"
        case .cancel: "VSynth: cancel synthesis"
        case .refresh: "VSynth: refresh (top up to count, else rescore)"
        }
    }
}
