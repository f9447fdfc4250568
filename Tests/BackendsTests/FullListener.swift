import Foundation
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// A loopback port where connecting hangs: a listener that never accepts, its accept queue filled
/// (Linux then drops new SYNs, so `connect` neither succeeds nor fails, as with a firewalled host).
final class FullListener {
    let port: Int
    private var descriptors: [Int32] = []

    init() throws {
        let listener = try LoopbackSocket(listenBacklog: 0)
        descriptors.append(listener.descriptor)
        port = listener.port
        var address = listener.address
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        for _ in 0..<4 {   // fill the queue; non-blocking, so the ones that hang do not hold us
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) }
            }
            descriptors.append(filler)
        }
        Thread.sleep(forTimeInterval: 0.1)
    }

    func close() {
        for descriptor in descriptors { Glibc.close(descriptor) }
        descriptors = []
    }
}
