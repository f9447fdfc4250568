import Foundation
import LanguageModel

/// Which server protocol a backend speaks.
public enum BackendKind: String, Sendable, Codable, CaseIterable {
    /// OpenAI-compatible `/v1/completions` (vLLM, llama-cpp-python's server, others).
    case openai
    /// llama.cpp's own server (`/completion`, `/tokenize`).
    case llamaServer = "llama-server"
    /// Ollama (`/api/generate`).
    case ollama
}

/// How to reach a model server and how hard to try. Everything a user can set in settings or on the CLI.
public struct BackendConfiguration: Sendable, Codable, Equatable, CustomStringConvertible {
    public var kind: BackendKind
    /// The server's base URL, e.g. `http://127.0.0.1:8000` (a trailing `/v1` is accepted for `openai`).
    public var baseURL: URL
    /// The model to ask for; `nil` = the server's first (or only) model.
    public var model: String?
    /// Name of the environment variable holding the API key (sent as a Bearer token). The key itself
    /// is read when a request is made and never stored in the configuration or logged.
    public var apiKeyVariable: String?
    /// Seconds one request may take from connecting to the reply's last byte (generation of long
    /// texts on slow servers may need more). A server that accepts and never answers ends here too.
    public var requestTimeout: Double
    /// Seconds to establish the TCP connection (an address that drops packets fails here, not at
    /// `requestTimeout`). Plain `http://`; URLSession (`https://`) has only the request limit.
    public var connectTimeout: Double
    /// Seconds a reply may go without data once its headers arrived: a server that stalls mid-reply
    /// (or trickles bytes) is not waited on for the whole `requestTimeout`.
    public var idleTimeout: Double
    /// The largest reply body read, in bytes; a larger one (or an endless stream) closes the request
    /// with `BackendError.replyTooLarge` as soon as it passes the limit, before it is held in memory.
    public var maxReplyBytes: Int
    /// Retries after a 429 or 5xx reply (so at most `maxRetries + 1` attempts).
    public var maxRetries: Int
    /// First backoff delay in seconds; doubles after each retry, capped at `maxBackoff`.
    public var initialBackoff: Double
    public var maxBackoff: Double
    /// Requests in flight at once against this server (the `concurrency` spec option), shared by
    /// every backend of the process that reaches the same server with the same value: a synthesis
    /// round's generations go out together up to it, and vLLM or llama-server parallel slots batch them.
    public var concurrency: Int
    /// The chat template whose turn markers frame V-Scores and generation prompts.
    public var template: ChatTemplate
    /// `openai` only: generate through `/v1/chat/completions` (the prompt is split back into
    /// messages at the template's turn markers) instead of `/v1/completions`.
    public var useChatCompletions: Bool

    public init(kind: BackendKind, baseURL: URL, model: String? = nil, apiKeyVariable: String? = nil,
                requestTimeout: Double = 120, connectTimeout: Double = 10, idleTimeout: Double = 30,
                maxReplyBytes: Int = BackendConfiguration.defaultMaxReplyBytes, maxRetries: Int = 3, initialBackoff: Double = 0.5,
                maxBackoff: Double = 8, concurrency: Int = 4, template: ChatTemplate = .chatML,
                useChatCompletions: Bool = false) {
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maxReplyBytes = maxReplyBytes
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.concurrency = concurrency
        self.template = template
        self.useChatCompletions = useChatCompletions
    }

    /// 64 MiB: far above any reply VSynth asks for (prompt log-probabilities of a long demonstration
    /// are a few hundred kB), far below what would strain the daemon.
    public static let defaultMaxReplyBytes = 64 << 20

    /// Parses a URL string given on the command line or in settings.
    public static func url(_ text: String) throws(BackendError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil else {
            throw .invalidConfiguration("'\(text)' is not an http(s) URL with a host")
        }
        return url
    }

    /// The backend as a spec (`KIND+URL?model=M&api_key_env=VAR`), credentials in the URL redacted:
    /// what messages and logs show, so that interpolating a configuration never prints a key.
    public var description: String {
        var text = kind.rawValue + "+" + Redaction.redact(baseURL.absoluteString)
        let options = [("model", model), ("api_key_env", apiKeyVariable)].compactMap { name, value in value.map { "\(name)=\($0)" } }
        if !options.isEmpty { text += "?" + options.joined(separator: "&") }
        return text
    }

    /// The API key from the environment, if a variable is configured.
    func apiKey() throws(BackendError) -> String? {
        guard let variable = apiKeyVariable else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw .missingAPIKey(variable: variable)
        }
        return value
    }
}
