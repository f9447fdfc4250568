import Foundation
import Support
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// JSON over HTTP for the backends: timeouts, bounded retries with exponential backoff on 429 and
/// 5xx, a cap on the requests in flight per server (`BackendConfiguration.concurrency`), cancellation that closes the request, and errors mapped to `BackendError`.
/// The API key is read from the environment per request and never appears in an error or log.
///
/// Security (docs/backends.md, "Security model"): credentials go only to the configured origin.
/// Redirects are never followed by the loading system (`SessionDelegate`); `RedirectPolicy` follows
/// one only within the origin, repeating the request whole. Credentials written into the URL
/// (`http://user:key@host`) are taken out of it: `root`, and so every error, trace line and
/// identity, never holds them; they go as HTTP Basic to the configured origin only, unless an API
/// key (Bearer) is configured, which wins. Replies are bounded in size and time: `PlainHTTPExchange`
/// (http://, a socket of its own) and `HTTPExchange` (https://, URLSession).
final class HTTPClient: Sendable {
    let configuration: BackendConfiguration
    /// The server root: the configured URL without credentials, a trailing `/` or `/v1`.
    let root: String
    /// `Basic …` from the configured URL's userinfo, if it has any.
    private let basicAuthorization: String?
    private let semaphore: AsyncSemaphore
    /// Set after the first HTTP reply: a refused connection after that means the server went away.
    private let answered = Flag()

    init(configuration: BackendConfiguration) {
        self.configuration = configuration
        var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false)
        if let user = components?.user {
            let credentials = user + (components?.password.map { ":" + $0 } ?? "")
            basicAuthorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            basicAuthorization = nil
        }
        components?.user = nil
        components?.password = nil
        var text = components?.string ?? Redaction.redact(configuration.baseURL.absoluteString)
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast(3) }
        root = text
        semaphore = Self.permits(root: root, limit: configuration.concurrency)
    }

    /// The requests in flight against each server, by root and cap, for the whole process: the one
    /// place the cap is enforced for every backend kind. Clients of the same server with the same
    /// cap share it (split roles on one server, the daemon's engine and the files' alternates, a
    /// backend connected again after a settings change), so together they never exceed it.
    private static let servers = Locked<[String: AsyncSemaphore]>([:])

    static func permits(root: String, limit: Int) -> AsyncSemaphore {
        servers.withLock { servers in
            let key = "\(limit) \(root)"
            if let semaphore = servers[key] { return semaphore }
            let semaphore = AsyncSemaphore(limit: limit)
            servers[key] = semaphore
            return semaphore
        }
    }

    /// One session for the process (https:// only): a session must be invalidated before it is released, and
    /// invalidating from a deinit that runs on the session's own queue deadlocks (corelibs). Timeouts
    /// and limits are per request (`HTTPExchange`); the concurrency limit is the semaphore's.
    static let delegate = SessionDelegate()
    static let session = makeSession(delegate: delegate)

    /// A session as the process's (`session`) with `delegate`; tests make one per exchange so that
    /// what corelibs leaves behind in one (a cancelled transfer's connection) never reaches the next.
    static func makeSession(delegate: SessionDelegate) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 3600
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// POSTs `object` as JSON to `path` (e.g. `/v1/completions`) and parses the JSON reply.
    /// `retry: false` for probes whose failure is an answer, not an accident.
    func post(_ path: String, _ object: [String: Any], retry: Bool = true) async throws -> JSONReply {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        } catch {
            throw BackendError.invalidConfiguration("request body for \(path) is not JSON-serializable")
        }
        return try await send(method: "POST", path: path, body: body, retry: retry)
    }

    func get(_ path: String, retry: Bool = true) async throws -> JSONReply {
        try await send(method: "GET", path: path, body: nil, retry: retry)
    }

    private func send(method: String, path: String, body: Data?, retry: Bool) async throws -> JSONReply {
        var urlText = root + path
        guard let url = URL(string: urlText) else {
            throw BackendError.invalidConfiguration("'\(urlText)' is not a valid URL")
        }
        var request = URLRequest(url: url, timeoutInterval: configuration.requestTimeout)
        request.httpMethod = method
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key = try configuration.apiKey() {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        } else if let basicAuthorization {
            request.setValue(basicAuthorization, forHTTPHeaderField: "Authorization")
        }
        let attempts = retry ? max(0, configuration.maxRetries) + 1 : 1
        var delay = configuration.initialBackoff
        var attempt = 0
        var redirects = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let started = Date()
            Self.trace("\(method) \(urlText) attempt \(attempt)")
            let data: Data, response: HTTPURLResponse
            do {
                (data, response) = try await semaphore.withPermit { try await perform(request, urlText: urlText) }
            } catch BackendError.connectionRefused(let url, let detail) where answered.value {
                throw BackendError.connectionLost(url: url, detail: "the server answered before and now refuses connections: \(detail)")
            }
            answered.set()
            let status = response.statusCode
            Self.trace("\(method) \(urlText) -> \(status) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
            if (200..<300).contains(status) { return try JSONReply.parse(data, url: urlText) }
            if (300..<400).contains(status), let location = response.value(forHTTPHeaderField: "Location"),
               let from = request.url {
                let target = try RedirectPolicy.target(status: status, location: location, method: method, from: from)
                redirects += 1
                guard redirects <= RedirectPolicy.maxRedirects else {
                    throw BackendError.redirectRefused(url: urlText, status: status, location: Redaction.redact(location),
                        reason: "more than \(RedirectPolicy.maxRedirects) redirects (a loop?)")
                }
                request.url = target
                urlText = target.absoluteString
                attempt -= 1   // a redirect is not a failed attempt
                continue
            }
            let message = Self.errorMessage(data)
            if status == 401 || status == 403 {
                throw BackendError.unauthorized(url: urlText, status: status, keyVariable: configuration.apiKeyVariable)
            }
            let retryable = status == 429 || (500..<600).contains(status)
            guard retryable else { throw BackendError.httpStatus(url: urlText, status: status, message: message) }
            guard attempt < attempts else {
                if attempts == 1 { throw BackendError.httpStatus(url: urlText, status: status, message: message) }
                throw BackendError.retriesExhausted(url: urlText, attempts: attempt, lastStatus: status, message: message)
            }
            var wait = max(0, min(delay, configuration.maxBackoff))
            if let header = response.value(forHTTPHeaderField: "Retry-After"), let seconds = Double(header) {
                wait = max(0, min(seconds, configuration.maxBackoff))
            }
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))   // CancellationError when cancelled
            delay *= 2
        }
    }

    /// `VSYNTH_BACKEND_TRACE=1` logs each request's method, URL, status and time to stderr
    /// (never headers or bodies, so never the API key).
    static let tracing = ProcessInfo.processInfo.environment["VSYNTH_BACKEND_TRACE"] == "1"

    static func trace(_ line: @autoclosure () -> String) {
        if tracing { FileHandle.standardError.write(Data(("vsynth backend: " + Redaction.redact(line()) + "\n").utf8)) }
    }

    /// One HTTP exchange, bounded in size and time; cancelling the calling task closes the connection.
    /// Plain HTTP over a socket of our own (reads stop at the limits), HTTPS through URLSession (TLS).
    private func perform(_ request: URLRequest, urlText: String) async throws -> (Data, HTTPURLResponse) {
        let limits = ExchangeLimits(url: urlText, configuration: configuration)
        if request.url?.scheme?.lowercased() == "http" {
            return try await PlainHTTPExchange(limits: limits).run(request)
        }
        return try await HTTPExchange(limits: limits).run(request, on: Self.session, delegate: Self.delegate)
    }

    /// The URL loading system's errors, in the backend's words (a cancelled request: `CancellationError`).
    static func map(_ error: any Error, url: String, timeout: Double) -> any Error {
        guard let urlError = error as? URLError else {
            return BackendError.connectionLost(url: url, detail: String(describing: error))
        }
        switch urlError.code {
        case .cancelled: return CancellationError()
        case .timedOut: return BackendError.timedOut(url: url, seconds: timeout)
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return BackendError.connectionRefused(url: url, detail: "URLError \(urlError.code.rawValue)")
        default:
            return BackendError.connectionLost(url: url, detail: "URLError \(urlError.code.rawValue)")
        }
    }

    /// The server's own error message from a JSON error body (`{"error": {"message": …}}`,
    /// `{"error": "…"}`, `{"detail": …}`), else the body's start.
    static func errorMessage(_ data: Data) -> String {
        var message = String(decoding: data.prefix(300), as: UTF8.self)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let text = error["message"] as? String {
                message = text
            } else if let text = object["error"] as? String {
                message = text
            } else if let detail = object["detail"] {
                message = String(describing: detail)
            }
        }
        message = message.replacingOccurrences(of: "\n", with: " ")
        return message.count > 300 ? String(message.prefix(300)) + "…" : message
    }
}

/// A flag set once, read from any thread.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}
