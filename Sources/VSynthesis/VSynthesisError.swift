import LanguageModel
import PromptFile

/// The one error enum of the VSynthesis module. Messages are lowercase and name what is wrong and where.
public enum VSynthesisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A data set file that does not have the expected layout (`path`, what is wrong).
    case invalidDataset(path: String, message: String)
    /// A knob outside its range, e.g. `k` of 0.
    case invalidOption(name: String, message: String)
    /// The model returned a number of scores that does not match the request.
    case scoreCountMismatch(expected: Int, got: Int)
    /// A continuation came back with no tokens, so no per-token value exists.
    case emptyDemonstration(index: Int)
    /// The language model failed.
    case model(String)
    /// The model's log-probabilities sum to NaN or ±∞ (`context` is `task` or `null`): no V-Score
    /// can be made of them, and none is printed or written.
    case nonFiniteScore(model: String, context: String, value: Double)
    /// A prompt file was not written because it changed on disk after it was read (before or during the write).
    case fileChanged(path: String, message: String)
    /// A prompt file was not written because it has no write permission at all (`mode`, e.g. 0o444).
    case fileReadOnly(path: String, mode: Int)
    /// A prompt file was not written because the system refused (permissions, space, not a regular file).
    case fileNotWritten(path: String, message: String)
    /// A prompt file VSynthesis cannot work on (no task definition, parse errors).
    case invalidPromptFile(path: String, message: String)

    public var description: String {
        switch self {
        case let .invalidDataset(path, message): "vsynthesis: \(path): \(message)"
        case let .invalidOption(name, message): "vsynthesis: option \(name): \(message)"
        case let .scoreCountMismatch(expected, got):
            "vsynthesis: model returned \(got) scores for \(expected) continuations"
        case let .emptyDemonstration(index): "vsynthesis: demonstration \(index) has no tokens"
        case let .model(message): "vsynthesis: \(message)"
        case let .nonFiniteScore(model, context, value):
            "vsynthesis: \(model) returned a non-finite log-probability (\(value)) under the \(context) context; "
                + "no v-score can be computed (a damaged model file or a misbehaving server)"
        case let .fileChanged(path, message), let .fileNotWritten(path, message): "vsynthesis: \(path): not written: \(message)"
        case let .fileReadOnly(path, mode): "vsynthesis: \(path): not written: it is read-only (mode 0\(String(mode, radix: 8)))"
        case let .invalidPromptFile(path, message): "vsynthesis: \(path): \(message)"
        }
    }
}
