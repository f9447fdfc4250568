import Foundation
import Support

/// A client for tests (the counterpart of sourcekit-lsp's test client), connected either
/// in-process to a server's `MessageHandler` or over stdio to a server process it launches:
/// typed requests and notifications in, the server's notifications and requests out, and raw
/// bytes for robustness tests. Everything travels through real `Connection`s over pipes.
///
/// ```swift
/// let client = try LocalClient(server: LanguageServer(...))
/// let result = try await client.send(InitializeRequest(...))
/// let diagnostics = try await client.nextNotification(PublishDiagnosticsNotification.self)
/// ```
public final class LocalClient: Sendable {
    /// The client's end.
    public let connection: Connection
    /// The server's end, running the handler given to `init(server:)`; `nil` for a process.
    public let serverConnection: Connection?
    /// The server process started by `init(launching:)`.
    private let process: Process?
    /// The launched server's process id (`nil` for an in-process server): tests read its memory
    /// from /proc by it, since other tests may run processes of the same name at the same time.
    public var processIdentifier: Int32? { process?.processIdentifier }
    private let exitStatus = Locked<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
    private let handler: ClientHandler

    /// Connects to `server` and starts both ends. Server log lines go to `serverLog` (ignored by
    /// default, so that tests of bad input stay quiet).
    public init(server: any MessageHandler,
                serverOptions: Connection.Options = Connection.Options(name: "server", log: { _ in }),
                clientLog: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let pair = try Connection.pipePair(client: Connection.Options(name: "client", log: clientLog),
                                           server: serverOptions)
        connection = pair.client
        serverConnection = pair.server
        handler = ClientHandler()
        process = nil
        pair.server.start(handler: server)
        connection.start(handler: handler)
    }

    /// Launches `executable` with `arguments` and talks to it over its standard input and output
    /// (a black-box test of a server binary). Its standard error goes to ours.
    public init(launching executable: URL, arguments: [String] = [], environment: [String: String]? = nil,
                clientLog: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let toServer = Pipe()
        let fromServer = Pipe()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = toServer
        process.standardOutput = fromServer
        let exitStatus = self.exitStatus
        process.terminationHandler = { process in
            let waiters = exitStatus.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.status = process.terminationStatus
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: process.terminationStatus) }
        }
        try process.run()
        // The connection owns duplicates; the pipes' own handles (and the child's ends) are closed.
        let input = dup(fromServer.fileHandleForReading.fileDescriptor)
        let output = dup(toServer.fileHandleForWriting.fileDescriptor)
        for handle in [fromServer.fileHandleForReading, fromServer.fileHandleForWriting,
                       toServer.fileHandleForReading, toServer.fileHandleForWriting] {
            try? handle.close()
        }
        guard input >= 0, output >= 0 else { throw JSONRPCError.io(operation: "dup", errno: errno) }
        self.process = process
        connection = Connection(input: input, output: output, options: Connection.Options(name: "client", log: clientLog))
        serverConnection = nil
        handler = ClientHandler()
        connection.start(handler: handler)
    }

    /// The exit status of the launched server process, once it has exited (`nil` in-process).
    public func waitForExit() async -> Int32? {
        guard process != nil else { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let status = exitStatus.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    // MARK: - To the server

    /// Sends a typed request and returns its response.
    public func send<R: RequestType>(_ request: R) async throws -> R.Response {
        try await connection.send(request)
    }

    /// Sends a typed notification.
    public func send<N: NotificationType>(_ notification: N) throws {
        try connection.send(notification)
    }

    /// Writes bytes to the server's input as they are (bad frames, garbage).
    public func send(rawBytes: [UInt8]) {
        connection.send(rawBytes: rawBytes)
    }

    // MARK: - From the server

    /// How long a wait for the server lasts unless a test says otherwise. Long, since it only runs out
    /// when something is wrong: on a two-core machine the test run's synchronous suites (a real model's
    /// scoring, 12,000 parsed mutants) can hold both threads of Swift's cooperative pool, and a
    /// fresh-clone CI saw every suite stall for 60 s at the start, which timed out two waits of 60 s
    /// for a notification the server had not yet had a thread to send.
    public static let defaultTimeout: Duration = .seconds(180)

    /// The next notification from the server (of `method`, when given; others stay queued for
    /// later calls). Throws `JSONRPCError.timedOut` or `.connectionClosed`.
    public func nextNotification(method: String? = nil,
                                 timeout: Duration = LocalClient.defaultTimeout) async throws -> NotificationMessage {
        try await handler.inbox.next("notification \(method ?? "(any)")", timeout: timeout) { item in
            guard case .notification(let notification) = item else { return nil }
            return method == nil || notification.method == method ? notification : nil
        }
    }

    /// The next notification of type `N` from the server, decoded.
    public func nextNotification<N: NotificationType>(_ type: N.Type,
                                                      timeout: Duration = LocalClient.defaultTimeout) async throws -> N {
        try await nextNotification(method: N.method, timeout: timeout).decode(type)
    }

    /// The next error response with `"id": null`: how the server reports input it could not read.
    public func nextUnattributedError(timeout: Duration = LocalClient.defaultTimeout) async throws -> ResponseError {
        try await handler.inbox.next("an error response without id", timeout: timeout) { item in
            guard case .unattributedError(let error) = item else { return nil }
            return error
        }
    }

    /// How requests from the server (`workspace/applyEdit`, ...) are answered; by default −32601.
    /// Every request is also recorded for `nextServerRequest`.
    public func respondToServerRequests(_ responder: @escaping @Sendable (RequestMessage) async throws -> JSONValue) {
        handler.responder.withLock { $0 = responder }
    }

    /// The next request the server sent (answered by the responder).
    public func nextServerRequest(method: String? = nil,
                                  timeout: Duration = LocalClient.defaultTimeout) async throws -> RequestMessage {
        try await handler.inbox.next("server request \(method ?? "(any)")", timeout: timeout) { item in
            guard case .request(let request) = item else { return nil }
            return method == nil || request.method == method ? request : nil
        }
    }

    /// Closes the client's end (for a process: its standard input) and waits until both ends are
    /// closed (for a process: until it has exited).
    public func close() async {
        connection.close()
        await connection.waitUntilClosed()
        await serverConnection?.waitUntilClosed()
        _ = await waitForExit()
    }
}

/// The client side's handler: records everything the server sends.
private final class ClientHandler: MessageHandler {
    let inbox = Inbox()
    let responder = Locked<(@Sendable (RequestMessage) async throws -> JSONValue)?>(nil)

    func handle(_ notification: NotificationMessage, from connection: Connection) async {
        inbox.put(.notification(notification))
    }

    func handle(_ request: RequestMessage, from connection: Connection) async throws -> JSONValue {
        inbox.put(.request(request))
        guard let responder = responder.withLock({ $0 }) else { throw ResponseError.methodNotFound(request.method) }
        return try await responder(request)
    }

    func handle(unattributedError error: ResponseError, from connection: Connection) async {
        inbox.put(.unattributedError(error))
    }

    func connectionDidClose(_ connection: Connection) async {
        inbox.closeInbox()
    }
}
