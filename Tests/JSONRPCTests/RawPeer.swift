import Foundation
@testable import JSONRPC
import Support

/// A peer that writes raw bytes to a server connection and reads back raw, unparsed-by-Connection
/// JSON values: to see exactly what the server answers to bad input (ids, codes, `null` ids).
final class RawPeer: Sendable {
    let server: Connection
    private let toServer: Int32
    private let fromServer: Int32
    private let received = Locked<[JSONValue]>([])

    init(handler: any MessageHandler, maximumMessageSize: Int = MessageFramer.defaultMaximumMessageSize) throws {
        var a: [Int32] = [0, 0]
        var b: [Int32] = [0, 0]
        guard pipe(&a) == 0, pipe(&b) == 0 else { throw JSONRPCError.io(operation: "pipe", errno: errno) }
        toServer = a[1]
        fromServer = b[0]
        server = Connection(input: a[0], output: b[1],
                            options: .init(name: "server", maximumMessageSize: maximumMessageSize, log: { _ in }))
        server.start(handler: handler)
        let thread = Thread { [self] in readLoop() }
        thread.start()
    }

    private func readLoop() {
        var framer = MessageFramer()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fromServer, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            framer.append(contentsOf: chunk[0..<n])
            while let event = framer.next() {
                if case .message(let value) = event { received.withLock { $0.append(value) } }
            }
        }
        close(fromServer)
    }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(toServer, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    func write(_ json: String) { write(frame(json)) }

    /// Waits (up to 10 s) until `count` values have been received, and returns them all.
    func waitFor(_ count: Int) async throws -> [JSONValue] {
        for _ in 0..<2000 {
            let values = received.withLock { $0 }
            if values.count >= count { return values }
            try await Task.sleep(for: .milliseconds(5))
        }
        return received.withLock { $0 }
    }

    /// Every value received so far.
    var all: [JSONValue] { received.withLock { $0 } }

    func finish() async {
        close(toServer)
        await server.waitUntilClosed()
    }
}
