import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One plain-`http://` request over a socket of its own, read only as far as the limits allow.
///
/// Why not URLSession: swift-corelibs-foundation reads a reply as fast as the network delivers it
/// and queues every piece for the delegate, with no way to pause; a loopback server streaming
/// without end put 170 MB in memory before a cancel took effect. Here nothing is read beyond the
/// size limit, every wait has a deadline (connect, whole request, idle once the reply started), and
/// cancellation closes the socket within 50 ms. HTTP/1.1, one request per connection
/// (`Connection: close`), bodies by `Content-Length`, chunked or to the end of the connection;
/// no redirects (`HTTPClient` applies `RedirectPolicy`) and no compression (none is asked for).
/// `https://` goes through URLSession (`HTTPExchange`), which has TLS.
final class PlainHTTPExchange: @unchecked Sendable {
    typealias Reply = HTTPExchange.Reply

    private let limits: ExchangeLimits
    private let lock = NSLock()
    private var cancelled = false
    /// The longest any wait lasts before the cancellation flag and the deadlines are looked at again.
    private static let slice: Int32 = 50

    init(limits: ExchangeLimits) {
        self.limits = limits
    }

    /// Runs `request` on a thread of its own (blocking socket calls, each bounded by `poll`).
    func run(_ request: URLRequest) async throws -> Reply {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Reply, any Error>) in
                let thread = Thread { continuation.resume(with: Result { try self.exchange(request) }) }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            lock.withLock { cancelled = true }
        }
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    private func exchange(_ request: URLRequest) throws -> Reply {
        guard let url = request.url, let host = url.host else {
            throw BackendError.invalidConfiguration("'\(limits.url)' is not an http URL with a host")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(limits.timeout * 1e9)
        let socket = try connectSocket(host: host, port: url.port ?? 80,
                                 deadline: min(deadline, start + UInt64(limits.connectTimeout * 1e9)))
        defer { close(socket) }
        try write(Self.head(of: request, host: host, port: url.port) + (request.httpBody ?? Data()), on: socket, deadline: deadline)
        var reader = Reader(socket: socket, exchange: self, deadline: deadline)
        let (status, headers) = try reader.readHead()
        reader.idle = limits.idleTimeout   // the reply has started: from here on, silence is a stall
        let body = try reader.readBody(headers: headers, limit: limits.maxBytes)
        guard let response = HTTPURLResponse(url: url, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers) else {
            throw BackendError.connectionLost(url: limits.url, detail: "unreadable HTTP reply head")
        }
        return (body, response)
    }

    /// The request line and headers (the body's length always given; no keep-alive, no compression).
    static func head(of request: URLRequest, host: String, port: Int?) -> Data {
        let url = request.url!
        var target = url.path.isEmpty ? "/" : URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
        if let query = url.query { target += "?" + query }
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
        var text = "\(request.httpMethod ?? "GET") \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nConnection: close\r\n"
        for (name, value) in request.allHTTPHeaderFields ?? [:] where name.lowercased() != "content-length" {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(request.httpBody?.count ?? 0)\r\n\r\n"
        return Data(text.utf8)
    }

    /// Throws what ends the exchange now: cancellation, or the deadline `deadline` (as `timedOut`).
    fileprivate func check(deadline: UInt64) throws {
        if isCancelled { throw CancellationError() }
        if DispatchTime.now().uptimeNanoseconds >= deadline {
            throw BackendError.timedOut(url: limits.url, seconds: limits.timeout)
        }
    }

    /// Waits for `events` on `socket` in slices, until ready, cancelled or past `deadline`.
    fileprivate func wait(_ socket: Int32, for events: Int16, deadline: UInt64, idleSince: UInt64? = nil,
                          idle: Double = 0) throws {
        while true {
            try check(deadline: deadline)
            if let idleSince, idle > 0, DispatchTime.now().uptimeNanoseconds >= idleSince + UInt64(idle * 1e9) {
                throw BackendError.stalled(url: limits.url, seconds: idle)
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Self.slice)
            if ready > 0 { return }
            if ready < 0, errno != EINTR {
                throw BackendError.connectionLost(url: limits.url, detail: String(cString: strerror(errno)))
            }
        }
    }

    /// A connected socket to `host:port` (each resolved address in turn), or `connectionRefused`.
    private func connectSocket(host: String, port: Int, deadline: UInt64) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocket
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw BackendError.connectionRefused(url: limits.url, detail: "cannot resolve host '\(host)'")
        }
        defer { freeaddrinfo(list) }
        var detail = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            #if !canImport(Glibc)
            var on: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            #endif
            if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return descriptor }
            guard errno == EINPROGRESS else {
                detail = String(cString: strerror(errno))
                close(descriptor)
                continue
            }
            do {
                try wait(descriptor, for: Int16(POLLOUT), deadline: deadline)
            } catch BackendError.timedOut {
                close(descriptor)
                throw BackendError.connectionRefused(url: limits.url,
                    detail: "no connection within \(limits.connectTimeout) s (connect_timeout)")
            } catch {
                close(descriptor)
                throw error
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            if failure == 0 { return descriptor }
            detail = String(cString: strerror(failure))
            close(descriptor)
        }
        throw BackendError.connectionRefused(url: limits.url, detail: detail)
    }

    private func write(_ data: Data, on socket: Int32, deadline: UInt64) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                try wait(socket, for: Int16(POLLOUT), deadline: deadline)
                let sent = send(socket, raw.baseAddress! + offset, raw.count - offset, sendFlags)
                if sent < 0 {
                    if errno == EAGAIN || errno == EINTR { continue }
                    throw BackendError.connectionLost(url: limits.url, detail: String(cString: strerror(errno)))
                }
                offset += sent
            }
        }
    }

    fileprivate var url: String { limits.url }
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
/// A write to a connection the server closed fails with EPIPE instead of raising SIGPIPE.
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0   // Darwin: SO_NOSIGPIPE is set on the socket instead
#endif

/// Reads a reply from the socket through a small buffer, never more than the caller asks for.
private struct Reader {
    let socket: Int32
    let exchange: PlainHTTPExchange
    let deadline: UInt64
    /// Seconds of silence allowed once the reply head arrived (0: only the deadline).
    var idle: Double = 0
    private var buffer: [UInt8] = []
    /// What one `recv` reads into, allocated once.
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    private var position = 0
    private var atEnd = false
    private var lastData = DispatchTime.now().uptimeNanoseconds

    init(socket: Int32, exchange: PlainHTTPExchange, deadline: UInt64) {
        self.socket = socket
        self.exchange = exchange
        self.deadline = deadline
    }

    private var available: Int { buffer.count - position }

    /// Reads more from the socket (up to 64 KiB); false at the end of the connection.
    private mutating func fill() throws -> Bool {
        if atEnd { return false }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        while true {
            try exchange.wait(socket, for: Int16(POLLIN), deadline: deadline, idleSince: lastData, idle: idle)
            let count = recv(socket, &chunk, chunk.count, 0)
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                lastData = DispatchTime.now().uptimeNanoseconds
                return true
            }
            if count == 0 {
                atEnd = true
                return false
            }
            if errno == EAGAIN || errno == EINTR { continue }
            throw BackendError.connectionLost(url: exchange.url, detail: String(cString: strerror(errno)))
        }
    }

    /// One line without its CRLF; a line longer than `maximum` is an error.
    private mutating func line(maximum: Int = 65_536) throws -> String {
        while true {
            if let end = buffer[position...].firstIndex(of: 0x0A) {
                var bytes = buffer[position..<end]
                if bytes.last == 0x0D { bytes = bytes.dropLast() }
                position = end + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            guard available <= maximum else {
                throw BackendError.malformedReply(url: exchange.url, field: "(head)", problem: "has a line longer than \(maximum) bytes")
            }
            guard try fill() else {
                throw BackendError.connectionLost(url: exchange.url, detail: "the connection closed before the reply ended")
            }
        }
    }

    /// The status code and headers (names as sent; a repeated header keeps its last value).
    mutating func readHead() throws -> (Int, [String: String]) {
        while true {
            let statusLine = try line()
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                throw BackendError.malformedReply(url: exchange.url, field: "(status line)", problem: "is not HTTP: \(statusLine.prefix(80))")
            }
            var headers: [String: String] = [:]
            for _ in 0..<200 {
                let header = try line()
                if header.isEmpty { break }
                guard let colon = header.firstIndex(of: ":") else { continue }
                headers[String(header[..<colon])] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            if (100..<200).contains(status) { continue }   // an interim reply: the real one follows
            return (status, headers)
        }
    }

    /// The body as the headers frame it, refusing to hold more than `limit` bytes.
    mutating func readBody(headers: [String: String], limit: Int) throws -> Data {
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name }?.value
        }
        var body = Data()
        /// Moves the next `count` bytes of the reply into `body`, reading as needed, within the limit.
        func copy(_ count: Int) throws {
            guard body.count + count <= limit else { throw BackendError.replyTooLarge(url: exchange.url, limit: limit) }
            var left = count
            while left > 0 {
                if available == 0, try !fill() {
                    throw BackendError.connectionLost(url: exchange.url, detail: "the connection closed \(left) bytes before the reply's end")
                }
                let piece = min(left, available)
                body.append(contentsOf: buffer[position..<(position + piece)])
                position += piece
                left -= piece
            }
        }
        if header("transfer-encoding")?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try line()
                guard let size = Int(sizeLine.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16),
                      size >= 0 else {
                    throw BackendError.malformedReply(url: exchange.url, field: "(chunked body)", problem: "has a bad chunk size '\(sizeLine.prefix(20))'")
                }
                if size == 0 {
                    while try !line().isEmpty {}   // trailers
                    return body
                }
                try copy(size)
                _ = try line()   // the CRLF after the chunk
            }
        }
        if let text = header("content-length") {
            guard let length = Int(text), length >= 0 else {
                throw BackendError.malformedReply(url: exchange.url, field: "(head)", problem: "has a bad Content-Length '\(text.prefix(20))'")
            }
            guard length <= limit else { throw BackendError.replyTooLarge(url: exchange.url, limit: limit) }
            body.reserveCapacity(length)
            try copy(length)
            return body
        }
        while true {   // no length given: the body ends with the connection
            if available > 0 { try copy(available) }
            guard try fill() else { return body }
        }
    }
}
