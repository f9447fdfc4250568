import Backends
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `vsynth model fetch URL`: one GGUF file over HTTPS (a Hugging Face `resolve` link is the usual
/// one) into the models directory. The bytes go to `.NAME.partial` beside the target as they
/// arrive; a run that was interrupted is resumed with a `Range` request from the partial file's
/// end; the finished file is checked to be GGUF, synced and renamed into place in one step, and its
/// SHA-256 is printed.
///
/// Why not the Backends' HTTP exchanges: they hold a whole reply in memory under a size limit and
/// refuse redirects to other hosts (an API key must not follow them), while a model is gigabytes
/// streamed to disk, and download links redirect to a CDN on another host by design. Nothing secret
/// is sent here, so redirects are followed (at most `maxRedirects`, never from HTTPS to HTTP), and
/// URLs are shown through `Redaction` like the backends' (a token in the query stays out of logs).
struct ModelDownload {
    var url: URL
    /// The models directory.
    var directory: String
    /// Seconds without a byte before the download fails (and can be resumed).
    var idleTimeout: Double = 60

    static let maxRedirects = 5

    /// What `run` did.
    struct Result: Equatable {
        var path: String
        var sha256: String
        var bytes: Int
        /// Bytes that were already in the partial file and not downloaded again.
        var resumedFrom: Int
    }

    /// The file name the URL names (its last path component, the query left out).
    var fileName: String { url.lastPathComponent }

    var target: String { directory + "/" + fileName }
    var partial: String { directory + "/." + fileName + ".partial" }

    /// Checks the URL before anything is fetched: http(s) with a host, naming a `.gguf` file.
    static func checked(_ text: String) throws(CLIError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host != nil else {
            throw .badDownloadURL(url: text, reason: "not an http(s) URL with a host")
        }
        guard url.lastPathComponent.lowercased().hasSuffix(".gguf") else {
            throw .badDownloadURL(url: text, reason: "the path does not end in a .gguf file name (for a Hugging Face file, copy the link of the file, which has /resolve/ in it)")
        }
        return url
    }

    /// Downloads (or resumes) the file and moves it into place. `progress` gets a line now and then.
    func run(progress: @escaping @Sendable (String) -> Void) async throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let already = Self.size(of: partial)
        var request = URLRequest(url: url, timeoutInterval: idleTimeout)
        if already > 0 {
            request.setValue("bytes=\(already)-", forHTTPHeaderField: "Range")
            progress("resuming from \(Self.mebibytes(already)) already in \(partial)")
        }
        let sink = try DownloadSink(path: partial, existing: already, progress: progress)
        let delegate = DownloadDelegate(sink: sink, origin: url)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        progress("downloading \(Redaction.redact(url.absoluteString))")
        let shown = Redaction.redact(url.absoluteString)
        do {
            try await delegate.run(request, on: session)
        } catch {
            // What arrived stays in the partial file for the next run to resume from (what is on
            // disk: a reply refused before its first byte leaves the earlier bytes there).
            _ = try? sink.finish()
            let kept = Self.size(of: partial)
            if kept == 0 { try? FileManager.default.removeItem(atPath: partial) }
            let reason = (error as? CLIError)?.description ?? "\(error)"
            throw CLIError.downloadFailed(url: shown, reason: reason, partial: kept > 0 ? partial : nil, bytes: kept)
        }
        let size = try sink.finish()
        if let total = sink.total, size != total {
            throw CLIError.downloadFailed(url: shown, reason: "the connection ended after \(size) of \(total) bytes",
                                          partial: partial, bytes: size)
        }
        guard try Self.isGGUF(partial) else {
            try? FileManager.default.removeItem(atPath: partial)
            throw CLIError.badDownloadURL(url: shown, reason: "the server sent a file that is not GGUF (no 'GGUF' magic at its start)")
        }
        let digest = try SHA256.hexOfFile(atPath: partial) { _ in }
        guard rename(partial, target) == 0 else {
            throw CLIError.cannotInstall(path: target, reason: String(cString: strerror(errno)))
        }
        return Result(path: target, sha256: digest, bytes: size, resumedFrom: sink.resumedFrom)
    }

    /// The size of the file at `path`; 0 when there is none.
    static func size(of path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    static func isGGUF(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return try handle.read(upToCount: 4) == Data("GGUF".utf8)
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}

/// Where the bytes go: the partial file, appended to (a 206 answer to the `Range` request),
/// started over (a 200: the server ignored the range) or kept as it is (a 416 whose total is the
/// partial file's size: an earlier run got every byte but stopped before the move into place).
/// Lock-protected: URLSession calls the delegate on its own queue.
final class DownloadSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let path: String
    private let existing: Int
    private let progress: @Sendable (String) -> Void
    private(set) var resumedFrom = 0
    private var written = 0
    /// The partial file is already whole (416): the reply's body, an error page, is not the file's.
    private var complete = false
    /// The whole file's size, when the server said.
    private(set) var total: Int?
    private var lastReport = Date.distantPast

    init(path: String, existing: Int, progress: @escaping @Sendable (String) -> Void) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CLIError.cannotInstall(path: path, reason: "cannot create the partial file")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError.cannotInstall(path: path, reason: "cannot open the partial file for writing")
        }
        self.handle = handle
        self.path = path
        self.existing = existing
        self.progress = progress
    }

    /// The reply's head: whether to append or start over, and the total size. Throws for a status
    /// that is not a file.
    func begin(_ response: HTTPURLResponse) throws {
        try lock.withLock {
            let length = Int(response.value(forHTTPHeaderField: "Content-Length") ?? "")
            switch response.statusCode {
            case 206:
                // Content-Range: bytes START-END/TOTAL
                let range = response.value(forHTTPHeaderField: "Content-Range") ?? ""
                let start = Int(range.drop { !$0.isNumber }.prefix { $0.isNumber })
                guard start == existing else {
                    throw CLIError.badReply("the server resumed at byte \(start.map(String.init) ?? "?") instead of \(existing) ('\(range)')")
                }
                resumedFrom = existing
                total = range.split(separator: "/").last.flatMap { Int($0) } ?? length.map { $0 + existing }
                try handle.seekToEnd()
            case 200:
                resumedFrom = 0
                total = length
                try handle.truncate(atOffset: 0)
            case 416:
                // Content-Range: bytes */TOTAL — the range starts at or past the file's end.
                let range = response.value(forHTTPHeaderField: "Content-Range") ?? ""
                let size = range.hasPrefix("bytes */") ? Int(range.dropFirst("bytes */".count)) : nil
                guard let size, size == existing else {
                    throw CLIError.badReply("HTTP 416: the partial file \(path) has \(existing) bytes but the server's file has \(size.map(String.init) ?? "an unknown number of") bytes ('\(range)'); delete the partial file and fetch again")
                }
                resumedFrom = existing
                total = size
                complete = true
            default:
                throw CLIError.badReply("HTTP \(response.statusCode)")
            }
        }
    }

    func write(_ data: Data) throws {
        let report: String? = try lock.withLock {
            guard !complete else { return nil }
            try handle.write(contentsOf: data)
            written += data.count
            guard Date().timeIntervalSince(lastReport) >= 1 else { return nil }
            lastReport = Date()
            let have = resumedFrom + written
            guard let total, total > 0 else { return "  \(ModelDownload.mebibytes(have))" }
            return "  \(ModelDownload.mebibytes(have)) of \(ModelDownload.mebibytes(total)) (\(100 * have / total) %)"
        }
        if let report { progress(report) }
    }

    /// Syncs and closes the partial file; returns its size.
    func finish() throws -> Int {
        try lock.withLock {
            try handle.synchronize()
            try handle.close()
            return resumedFrom + written
        }
    }
}

/// Runs one data task, handing the reply to a `DownloadSink` as it arrives.
final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let sink: DownloadSink
    private let origin: URL
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, any Error>?
    private var failure: (any Error)?
    private var redirects = 0

    init(sink: DownloadSink, origin: URL) {
        self.sink = sink
        self.origin = origin
    }

    func run(_ request: URLRequest, on session: URLSession) async throws {
        let task = session.dataTask(with: request)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.withLock { self.continuation = continuation }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    private func fail(_ error: any Error, _ task: URLSessionTask) {
        lock.withLock { if failure == nil { failure = error } }
        task.cancel()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        let count = lock.withLock { redirects += 1; return redirects }
        if count > ModelDownload.maxRedirects {
            fail(CLIError.badReply("more than \(ModelDownload.maxRedirects) redirects"), task)
            return completionHandler(nil)
        }
        if task.originalRequest?.url?.scheme?.lowercased() == "https", request.url?.scheme?.lowercased() != "https" {
            fail(CLIError.badReply("the server redirects from HTTPS to plain HTTP"), task)
            return completionHandler(nil)
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        do {
            guard let http = response as? HTTPURLResponse else {
                throw CLIError.badReply("not an HTTP reply")
            }
            try sink.begin(http)
            completionHandler(.allow)
        } catch {
            fail(error, dataTask)
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        do { try sink.write(data) } catch { fail(error, dataTask) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, failure) = lock.withLock { () -> (CheckedContinuation<Void, any Error>?, (any Error)?) in
            defer { self.continuation = nil }
            return (self.continuation, self.failure)
        }
        if let failure {
            continuation?.resume(throwing: failure)
        } else if let error {
            continuation?.resume(throwing: CLIError.badReply(error.localizedDescription))
        } else {
            continuation?.resume()
        }
    }
}
