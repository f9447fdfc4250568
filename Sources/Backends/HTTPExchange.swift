import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One `https://` request through URLSession and its reply, fed by `SessionDelegate` as the body
/// arrives, so that every limit is enforced while the reply streams in rather than after it was
/// buffered whole (plain `http://` goes over a socket of its own, `PlainHTTPExchange`, which also
/// stops *reading* at the limit: swift-corelibs-foundation keeps reading until a cancel takes
/// effect, so here memory can overshoot the limit by what arrives meanwhile):
/// - size: a body (or an endless chunked stream) larger than `limit` closes the request at once;
/// - whole request: `timeout` seconds from start to last byte (a server that accepts and never answers);
/// - idle: `idleTimeout` seconds without data once the headers came (a server that stalls mid-reply);
/// - cancellation: cancelling the awaiting task closes the request.
/// The first of these (or the reply's end) resumes the caller; whatever arrives later is dropped.
final class HTTPExchange: @unchecked Sendable {
    typealias Reply = (data: Data, response: HTTPURLResponse)

    /// The URL as errors name it (no credentials).
    let url: String
    private let limit: Int
    private let timeout: Double
    private let idleTimeout: Double
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Reply, any Error>?
    private var task: URLSessionTask?
    private var response: HTTPURLResponse?
    private var body = Data()
    private var lastActivity = DispatchTime.now()
    private var finished = false

    init(limits: ExchangeLimits) {
        url = limits.url
        limit = limits.maxBytes
        timeout = limits.timeout
        idleTimeout = limits.idleTimeout
    }

    /// Runs `request` on `session` and returns the whole reply, or throws the first limit it broke,
    /// a `BackendError` for a transport failure, or `CancellationError`.
    func run(_ request: URLRequest, on session: URLSession, delegate: SessionDelegate) async throws -> Reply {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Reply, any Error>) in
                let task = session.dataTask(with: request)
                lock.lock()
                if finished {   // cancelled before it started
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                self.continuation = continuation
                self.task = task
                lock.unlock()
                delegate.register(task, self)
                task.resume()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                    guard let self else { return }
                    fail(BackendError.timedOut(url: url, seconds: timeout))
                }
            }
        } onCancel: {
            fail(CancellationError())
        }
    }

    /// The headers arrived: refuse a body announced larger than the limit, start the idle clock.
    func received(_ response: HTTPURLResponse) {
        let announced = response.expectedContentLength
        lock.withLock {
            self.response = response
            lastActivity = .now()
            if announced > 0 { body.reserveCapacity(Int(min(announced, Int64(limit)))) }
        }
        if announced > Int64(limit) {
            fail(BackendError.replyTooLarge(url: url, limit: limit))
            return
        }
        scheduleIdleCheck(after: idleTimeout)
    }

    /// A piece of the body: kept while the total stays within the limit.
    func received(_ data: Data) {
        let overflow = lock.withLock { () -> Bool in
            guard !finished else { return false }
            guard body.count + data.count <= limit else { return true }
            body.append(data)
            lastActivity = .now()
            return false
        }
        if overflow { fail(BackendError.replyTooLarge(url: url, limit: limit)) }
    }

    /// The URL loading system finished the task (a limit may have ended it first: then this is a no-op).
    func completed(_ task: URLSessionTask, error: (any Error)?) {
        lock.lock()
        guard !finished, let continuation else { lock.unlock(); return }
        finished = true
        self.continuation = nil
        let response = self.response ?? task.response as? HTTPURLResponse
        let body = self.body
        self.body = Data()
        lock.unlock()
        if let error {
            continuation.resume(throwing: HTTPClient.map(error, url: url, timeout: timeout))
        } else if let response {
            continuation.resume(returning: (body, response))
        } else {
            continuation.resume(throwing: BackendError.connectionLost(url: url, detail: "no HTTP response"))
        }
    }

    /// Ends the exchange with `error` (if it has not ended) and closes the request.
    func fail(_ error: any Error) {
        lock.lock()
        guard !finished else { lock.unlock(); return }
        finished = true
        let continuation = self.continuation
        let task = self.task
        self.continuation = nil
        body = Data()
        lock.unlock()
        continuation?.resume(throwing: error)
        task?.cancel()
    }

    /// Fails the exchange if no data came for `idleTimeout`; else looks again when it could next expire.
    private func scheduleIdleCheck(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in
            guard let self else { return }
            let quiet = lock.withLock { finished ? nil : Double(DispatchTime.now().uptimeNanoseconds - lastActivity.uptimeNanoseconds) / 1e9 }
            guard let quiet else { return }
            if quiet >= idleTimeout {
                fail(BackendError.stalled(url: url, seconds: idleTimeout))
            } else {
                scheduleIdleCheck(after: idleTimeout - quiet)
            }
        }
    }
}
