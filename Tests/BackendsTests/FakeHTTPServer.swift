import Foundation
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// A hostile (or merely odd) HTTP server on 127.0.0.1, for what a real model server cannot be made
/// to do on demand: redirect elsewhere, send a 100 MB body, stream without end, stall mid-reply,
/// report impossible log-probabilities. Each connection gets one request and one reply
/// (`Connection: close`); every request is recorded, so a test can assert on what a server received
/// (e.g. that a redirect target never saw the API key). Loopback only.
final class FakeHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: Data
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    enum Reply: Sendable {
        /// A complete reply with a JSON (or any text) body.
        case text(status: Int, body: String, headers: [String: String] = [:])
        /// A `Content-Length: bytes` body of spaces, written in 64 KiB pieces until done or the client hangs up.
        case large(bytes: Int)
        /// A chunked body of 64 KiB chunks that never ends (until the client hangs up).
        case endlessChunked
        /// A chunked body that sends `first` bytes and then nothing, holding the connection open for `hold` seconds.
        case stall(first: Int, hold: Double)
        /// A chunked body that sends one byte every `interval` seconds, forever.
        case trickle(interval: Double)
        /// A body announced as `announced` bytes that ends after `sent` (the server died mid-reply).
        case truncated(announced: Int, sent: Int)

        static func json(_ object: Any, status: Int = 200) -> Reply {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return .text(status: status, body: String(decoding: data, as: UTF8.self))
        }

        static func redirect(_ status: Int, to location: String) -> Reply {
            .text(status: status, body: "", headers: ["Location": location])
        }
    }

    let port: Int
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false
    private var serving = 0

    /// Every request received so far, in order.
    var requests: [Request] { lock.withLock { received } }

    init(_ handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let socket = try LoopbackSocket(listenBacklog: 64)
        let descriptor = socket.descriptor
        listener = descriptor
        port = socket.port
        // Weakly held, so that a server a test drops is stopped by its deinit (which ends the loop).
        let thread = Thread { [weak self, descriptor] in Self.acceptLoop(descriptor) { self } }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting; connections in progress end when their client hangs up or their reply ends.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private static func acceptLoop(_ listener: Int32, _ server: @escaping () -> FakeHTTPServer?) {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            guard let server = server() else { close(connection); return }
            let thread = Thread { server.serve(connection) }
            thread.start()
        }
    }

    /// Waits (up to `timeout` seconds) until every connection has ended: the client hung up or the
    /// reply is complete. True if they all did.
    func waitUntilIdle(timeout: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while lock.withLock({ serving }) > 0 {
            guard Date() < deadline else { return false }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return true
    }

    private func serve(_ connection: Int32) {
        lock.withLock { serving += 1 }
        defer {
            close(connection)
            lock.withLock { serving -= 1 }
        }
        guard let request = readRequest(connection) else { return }
        lock.withLock { received.append(request) }
        let reply = handler(request)
        let writer = Writer(descriptor: connection)
        switch reply {
        case let .text(status, body, headers):
            var head = "HTTP/1.1 \(status) Status\r\nContent-Type: application/json\r\nConnection: close\r\n"
            head += "Content-Length: \(body.utf8.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            _ = writer.write(head + "\r\n" + body)
        case let .large(bytes):
            guard writer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: \(bytes)\r\n\r\n") else { return }
            let piece = Data(repeating: 0x20, count: 65_536)
            var left = bytes
            while left > 0, writer.write(piece.prefix(left)) { left -= min(left, piece.count) }
        case .endlessChunked:
            guard writer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            let chunk = "10000\r\n".data(using: .utf8)! + Data(repeating: 0x20, count: 65_536) + "\r\n".data(using: .utf8)!
            while writer.write(chunk) {}
        case let .stall(first, hold):
            guard writer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            _ = writer.write(String(first, radix: 16) + "\r\n" + String(repeating: " ", count: first) + "\r\n")
            Thread.sleep(forTimeInterval: hold)
        case let .truncated(announced, sent):
            _ = writer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: \(announced)\r\n\r\n"
                             + String(repeating: " ", count: sent))
        case let .trickle(interval):
            guard writer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            while writer.write("1\r\n \r\n") { Thread.sleep(forTimeInterval: interval) }
        }
    }

    /// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
    private func readRequest(_ connection: Int32) -> Request? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data.append(contentsOf: buffer[0..<count])
            headEnd = data.range(of: separator)
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: data[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[headEnd.upperBound...])
        let expected = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < expected {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            body.append(contentsOf: buffer[0..<count])
        }
        return Request(method: String(first[0]), path: String(first[1]), headers: headers, body: body)
    }

    /// Writes whole buffers; false once the client has gone (no SIGPIPE).
    private struct Writer {
        let descriptor: Int32

        func write(_ text: String) -> Bool { write(Data(text.utf8)) }

        func write(_ data: Data) -> Bool {
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let sent = send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if sent < 0, errno == EINTR { continue }
                    guard sent > 0 else { return false }
                    offset += sent
                }
                return true
            }
        }
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
