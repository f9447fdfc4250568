import JSONRPC

/// The one error enum of the LanguageServer module. Messages are lowercase and name the document,
/// the position or the setting that is wrong; each maps to the JSON-RPC error that answers it.
public enum LanguageServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A request or notification names a document that is not open.
    case documentNotOpen(uri: String)
    /// A change's range lies outside the document or is reversed.
    case invalidRange(uri: String, range: LSPRange, reason: String)
    /// A `didChange` whose version is not newer than the document's.
    case staleVersion(uri: String, version: Int, current: Int)
    /// A command name the server does not know.
    case unknownCommand(String)
    /// A command's arguments are missing or of the wrong type.
    case invalidArguments(command: String, reason: String)
    /// A setting of the wrong type or out of range.
    case invalidSetting(key: String, reason: String)
    /// A document cannot be worked on (parse errors, no task definition, ...).
    case documentNotReady(uri: String, reason: String)
    /// The model could not be loaded or failed.
    case model(String)

    public var description: String {
        switch self {
        case let .documentNotOpen(uri): "lsp: document not open: \(uri)"
        case let .invalidRange(uri, range, reason):
            "lsp: \(uri): invalid range \(range.start.line):\(range.start.character)-\(range.end.line):\(range.end.character): \(reason)"
        case let .staleVersion(uri, version, current):
            "lsp: \(uri): change to version \(version) is not newer than version \(current)"
        case let .unknownCommand(name): "lsp: unknown command \(name)"
        case let .invalidArguments(command, reason): "lsp: \(command): \(reason)"
        case let .invalidSetting(key, reason): "lsp: setting \(key): \(reason)"
        case let .documentNotReady(uri, reason): "lsp: \(uri): \(reason)"
        case let .model(message): "lsp: model: \(message)"
        }
    }

    /// The JSON-RPC error that answers a request failing with this.
    public var responseError: ResponseError {
        switch self {
        case .unknownCommand, .invalidArguments, .invalidRange, .invalidSetting:
            ResponseError.invalidParams(description)
        default:
            ResponseError(code: .requestFailed, message: description)
        }
    }
}
