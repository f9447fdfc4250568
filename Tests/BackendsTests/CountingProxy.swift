import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Support
import TestSupport

/// A loopback TCP proxy in front of a real server that counts the connections open through it: the
/// backends send one request per connection (`Connection: close`), so the most connections open at
/// once is the most requests in flight. Bytes pass unchanged both ways. Loopback only.
final class CountingProxy: @unchecked Sendable {
    struct Counts: Sendable {
        var open = 0
        var mostOpen = 0
        var total = 0
    }

    let port: Int
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let listener: Int32
    private let target: sockaddr_in
    private let state = Locked(Counts())

    var counts: Counts { state.withLock { $0 } }

    /// Forwards to 127.0.0.1:`targetPort`.
    init(targetPort: Int) throws {
        let socket = try LoopbackSocket(listenBacklog: 64)
        listener = socket.descriptor
        port = socket.port
        var target = socket.address
        target.sin_port = in_port_t(UInt16(targetPort).bigEndian)
        self.target = target
        let thread = Thread { [listener = socket.descriptor, weak self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                guard let self else { close(client); return }
                self.serve(client)
            }
        }
        thread.start()
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Connects to the target, relays the request as it comes, and holds the reply until the
    /// server closed the connection (it was asked to: `Connection: close`): the request stops
    /// counting before the client can have its reply, so a client that starts its next request on
    /// the reply never shows up as one request too many.
    private func serve(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = target
        let connected = upstream >= 0 && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(client)
            if upstream >= 0 { close(upstream) }
            return
        }
        state.withLock {
            $0.open += 1
            $0.total += 1
            $0.mostOpen = max($0.mostOpen, $0.open)
        }
        let directions = Locked(2)
        let finish: @Sendable () -> Void = {
            guard directions.withLock({ $0 -= 1; return $0 }) == 0 else { return }
            close(client)
            close(upstream)
        }
        Thread {
            _ = Self.copy(from: client, to: upstream)
            shutdown(upstream, Int32(SHUT_WR))
            finish()
        }.start()
        Thread { [state] in
            var reply: [UInt8] = []
            _ = Self.copy(from: upstream) { reply += $0 }
            state.withLock { $0.open -= 1 }
            _ = Self.send(reply, to: client)
            shutdown(client, Int32(SHUT_WR))
            finish()
        }.start()
    }

    /// Reads `source` to its end, writing what comes to `destination`; false if a write failed.
    private static func copy(from source: Int32, to destination: Int32) -> Bool {
        var sent = true
        copy(from: source) { bytes in if sent { sent = send(bytes, to: destination) } }
        return sent
    }

    /// Reads `source` to its end, handing each piece to `body`.
    private static func copy(from source: Int32, _ body: ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            body(Array(buffer[0..<count]))
        }
    }

    /// Writes all of `bytes`; false if the peer went away.
    private static func send(_ bytes: [UInt8], to destination: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(destination, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { return false }
            sent += written
        }
        return true
    }
}
