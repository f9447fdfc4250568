/// A client connected in-process to a server's `MessageHandler`, for tests (the counterpart of
/// sourcekit-lsp's test client): typed requests and notifications in, the server's notifications
/// and requests out, and raw bytes for robustness tests. Everything travels through a real
/// `Connection` pair over pipes.
///
/// ```swift
/// let client = try LocalClient(server: LanguageServer(...))
/// let result = try await client.send(InitializeRequest(...))
/// let diagnostics = try await client.nextNotification(PublishDiagnosticsNotification.self)
/// ```
public final class LocalClient: Sendable {
    /// The client's end.
    public let connection: Connection
    /// The server's end, running the handler given to `init`.
    public let serverConnection: Connection
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
        serverConnection.start(handler: server)
        connection.start(handler: handler)
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

    /// The next notification from the server (of `method`, skipping others, when given). Throws
    /// `ResponseError` with code −32001 after `timeout` or `JSONRPCError.connectionClosed`.
    public func nextNotification(method: String? = nil,
                                 timeout: Duration = .seconds(10)) async throws -> NotificationMessage {
        try await handler.inbox.next(timeout: timeout) { item in
            guard case .notification(let notification) = item else { return nil }
            return method == nil || notification.method == method ? notification : nil
        }
    }

    /// The next notification of type `N` from the server, decoded.
    public func nextNotification<N: NotificationType>(_ type: N.Type,
                                                      timeout: Duration = .seconds(10)) async throws -> N {
        try await nextNotification(method: N.method, timeout: timeout).decode(type)
    }

    /// The next error response with `"id": null`: how the server reports input it could not read.
    public func nextUnattributedError(timeout: Duration = .seconds(10)) async throws -> ResponseError {
        try await handler.inbox.next(timeout: timeout) { item in
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
                                  timeout: Duration = .seconds(10)) async throws -> RequestMessage {
        try await handler.inbox.next(timeout: timeout) { item in
            guard case .request(let request) = item else { return nil }
            return method == nil || request.method == method ? request : nil
        }
    }

    /// Closes the client's end and waits until both ends are closed.
    public func close() async {
        connection.close()
        await connection.waitUntilClosed()
        await serverConnection.waitUntilClosed()
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
