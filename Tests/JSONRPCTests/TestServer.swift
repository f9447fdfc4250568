import Foundation
@testable import JSONRPC
import Support

struct EchoRequest: RequestType, Equatable {
    static let method = "test/echo"
    typealias Response = EchoResult
    var text: String
    var count: Int?
}

struct EchoResult: MessageType, Equatable {
    var text: String
    var count: Int?
}

/// Sleeps until cancelled; tells the client through `test/started` that it began.
struct SlowRequest: RequestType {
    static let method = "test/slow"
    typealias Response = VoidResponse
}

/// Fails with the error code it is given (0: a plain Swift error, answered −32603).
struct FailRequest: RequestType {
    static let method = "test/fail"
    typealias Response = VoidResponse
    var code: Int
}

/// Makes the server ask the client something and return the client's answer.
struct RoundTripRequest: RequestType {
    static let method = "test/roundTrip"
    typealias Response = JSONValue
    var question: String
}

/// The server-to-client request of `RoundTripRequest`.
struct AskRequest: RequestType {
    static let method = "test/ask"
    typealias Response = JSONValue
    var question: String
}

/// Returns the numbers of every `test/record` notification handled so far.
struct RecordedRequest: RequestType {
    static let method = "test/recorded"
    typealias Response = [Int]
}

/// Like `RecordedRequest`, but waits a little first and runs in order.
struct RecordedInOrderRequest: RequestType {
    static let method = "test/recordedInOrder"
    typealias Response = [Int]
}

struct RecordNotification: NotificationType {
    static let method = "test/record"
    var n: Int
}

/// Holds up the handling of later messages until `test/unblock` (sent raw, handled on arrival).
struct BlockNotification: NotificationType {
    static let method = "test/block"
}

struct StartedNotification: NotificationType {
    static let method = "test/started"
    var method: String
}

/// A one-shot gate that tasks wait on.
final class Gate: Sendable {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}

/// A small server on the typed-request layer, as the language server will be built.
actor TestServer: MessageHandler {
    static let registry = MessageRegistry(
        requests: [EchoRequest.self, SlowRequest.self, FailRequest.self, RoundTripRequest.self, RecordedRequest.self,
                   RecordedInOrderRequest.self],
        notifications: [RecordNotification.self, BlockNotification.self])

    private var recorded: [Int] = []
    private(set) var slowCalls = 0
    let gate = Gate()

    nonisolated func ordering(of request: RequestMessage) -> RequestOrdering {
        request.method == RecordedInOrderRequest.method ? .inOrder : .concurrent
    }

    func handle(_ notification: NotificationMessage, from connection: Connection) async {
        do {
            switch try Self.registry.decode(notification) {
            case let record as RecordNotification:
                recorded.append(record.n)
            case is BlockNotification:
                await gate.wait()
            default:
                break
            }
        } catch {
            // A notification cannot be answered; the test server just drops bad ones.
        }
    }

    func handle(_ request: RequestMessage, from connection: Connection) async throws -> JSONValue {
        switch try Self.registry.decode(request) {
        case let echo as EchoRequest:
            return try await echo.answer { EchoResult(text: $0.text, count: $0.count) }
        case is SlowRequest:
            slowCalls += 1
            try connection.send(StartedNotification(method: SlowRequest.method))
            try await Task.sleep(for: .seconds(60))
            return .null
        case let fail as FailRequest:
            if fail.code == 0 { throw CocoaError(.fileNoSuchFile) }
            throw ResponseError(code: ErrorCode(rawValue: fail.code), message: "failed as asked")
        case let roundTrip as RoundTripRequest:
            return try await connection.send(AskRequest(question: roundTrip.question))
        case is RecordedRequest:
            return try JSONValue(encoding: recorded)
        case is RecordedInOrderRequest:
            try await Task.sleep(for: .milliseconds(50))
            return try JSONValue(encoding: recorded)
        default:
            throw ResponseError.methodNotFound(request.method)
        }
    }
}
