import Foundation
import Support
import TestSupport

/// A TCP listener on 127.0.0.1 that counts the connections made to it and closes each at once:
/// the witness that a command did (or did not) send anything to a URL.
final class ConnectionRecorder: Sendable {
    let port: Int
    private let descriptor: Int32
    /// Connections accepted so far (shared with the accepting thread).
    private let accepted = Locked(0)

    init() throws {
        let socket = try LoopbackSocket(listenBacklog: 16)
        descriptor = socket.descriptor
        port = socket.port
        let listener = descriptor, counter = accepted
        let thread = Thread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                counter.withLock { $0 += 1 }
                close(client)
            }
        }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var connections: Int { accepted.withLock { $0 } }

    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}
