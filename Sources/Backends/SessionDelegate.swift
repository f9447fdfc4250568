import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The URL session's delegate: hands each task's reply to its `HTTPExchange` piece by piece (so
/// the body is never buffered whole by the loading system), and never lets the loading system
/// follow a redirect. A followed redirect would carry the `Authorization` header to whatever host
/// the server names, and swift-corelibs-foundation drops a POST's body on it; instead the 3xx reply
/// comes back to `HTTPClient`, whose `RedirectPolicy` decides.
final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var exchanges: [Int: HTTPExchange] = [:]

    /// Routes `task`'s callbacks to `exchange` until it completes.
    func register(_ task: URLSessionTask, _ exchange: HTTPExchange) {
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
    }

    private func exchange(_ task: URLSessionTask) -> HTTPExchange? {
        lock.withLock { exchanges[task.taskIdentifier] }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)   // the 3xx reply itself is the answer
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if let response = response as? HTTPURLResponse { exchange(dataTask)?.received(response) }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(dataTask)?.received(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = lock.withLock { exchanges.removeValue(forKey: task.taskIdentifier) }
        exchange?.completed(task, error: error)
    }
}
