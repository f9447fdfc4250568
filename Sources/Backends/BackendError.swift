import Foundation

/// Everything that can go wrong talking to a model server. One enum for the module; every message
/// names the server URL (never the API key, and with any credentials in the URL redacted by
/// `Redaction`) and, for malformed replies, the field that was wrong.
/// Cancellation is not an error of ours: a cancelled task gets Swift's `CancellationError` (after the
/// HTTP request is closed), which is what the method and the daemon check for.
public enum BackendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing listens at the URL (or the host does not resolve).
    case connectionRefused(url: String, detail: String)
    /// The server went away: the connection dropped mid-request, or a server that answered before now
    /// refuses connections (killed or restarted).
    case connectionLost(url: String, detail: String)
    /// No reply within the configured timeout.
    case timedOut(url: String, seconds: Double)
    /// 401 or 403: the API key is missing or wrong. `keyVariable` is the environment variable read.
    case unauthorized(url: String, status: Int, keyVariable: String?)
    /// The configured model is not one the server serves.
    case unknownModel(url: String, model: String, available: [String])
    /// A reply that is not what the protocol says: `field` is the JSON path that was wrong.
    case malformedReply(url: String, field: String, problem: String)
    /// Any other HTTP error status, with the server's own message when it sent one.
    case httpStatus(url: String, status: Int, message: String)
    /// 429 or 5xx after every retry.
    case retriesExhausted(url: String, attempts: Int, lastStatus: Int, message: String)
    /// The API key variable named in the configuration is not set in the environment.
    case missingAPIKey(variable: String)
    /// The backend cannot do this at all (e.g. prompt scoring on Ollama).
    case unsupported(backend: String, operation: String, reason: String)
    /// A log-probability the server does not report and could not be recovered exactly.
    case unreadableLogprob(url: String, position: Int, reason: String)
    /// The server's tokenization of context + continuation differs from the separate tokenizations,
    /// so the continuation's scores would not be those of its own tokens (the V-Score frame).
    case tokenizationBoundary(url: String, detail: String)
    /// The configuration itself is wrong (bad URL, unknown backend kind).
    case invalidConfiguration(String)
    /// The server answered with a redirect that is not followed: to another origin (the API key is
    /// sent only to the configured server), or one that would turn a POST into a GET.
    case redirectRefused(url: String, status: Int, location: String, reason: String)
    /// The reply is larger than the configured limit (`maxReplyBytes`); the request was closed.
    case replyTooLarge(url: String, limit: Int)
    /// The reply started and then no data came for `seconds` (`idleTimeout`); the request was closed.
    case stalled(url: String, seconds: Double)

    public var description: String { Redaction.redact(text) }

    private var text: String {
        switch self {
        case let .connectionRefused(url, detail):
            "backend: cannot connect to \(url) (\(detail)); is the server running?"
        case let .connectionLost(url, detail):
            "backend: lost the connection to \(url) (\(detail))"
        case let .timedOut(url, seconds):
            "backend: no reply from \(url) within \(Self.format(seconds)) s"
        case let .unauthorized(url, status, variable):
            "backend: \(url) refused the request with HTTP \(status): "
                + (variable.map { "the API key in $\($0) is missing or wrong" } ?? "the server needs an API key (set --api-key-env)")
        case let .unknownModel(url, model, available):
            "backend: \(url) does not serve model '\(model)'; it serves: "
                + (available.isEmpty ? "(none listed)" : available.joined(separator: ", "))
        case let .malformedReply(url, field, problem):
            "backend: malformed reply from \(url): field '\(field)' \(problem)"
        case let .httpStatus(url, status, message):
            "backend: \(url) answered HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        case let .retriesExhausted(url, attempts, status, message):
            "backend: \(url) still answered HTTP \(status) after \(attempts) attempts"
                + (message.isEmpty ? "" : ": \(message)")
        case let .missingAPIKey(variable):
            "backend: the API key variable $\(variable) is not set"
        case let .unsupported(backend, operation, reason):
            "backend: \(backend) cannot \(operation): \(reason)"
        case let .unreadableLogprob(url, position, reason):
            "backend: \(url) does not report the log-probability of prompt token \(position): \(reason)"
        case let .tokenizationBoundary(url, detail):
            "backend: \(url) tokenizes context + continuation differently from each alone (\(detail))"
        case let .invalidConfiguration(message):
            "backend: \(message)"
        case let .redirectRefused(url, status, location, reason):
            "backend: \(url) redirected (HTTP \(status)) to \(location), which is not followed: \(reason)"
        case let .replyTooLarge(url, limit):
            "backend: the reply from \(url) is larger than \(Self.size(limit)), the limit for one reply; "
                + "raise it with max_reply_mib=N in the backend spec if the server's replies are that large"
        case let .stalled(url, seconds):
            "backend: the reply from \(url) stalled: no data for \(Self.format(seconds)) s (idle_timeout in the backend spec)"
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
