/// What one side of a `Connection` does with the messages it receives (the language server is an
/// actor conforming to this).
///
/// Ordering, which the server relies on: messages are handled in arrival order. A notification is
/// handled completely before the next message is looked at, so a request always sees the effect
/// of every notification sent before it (a `didChange` before a `hover`). Each request runs in a
/// task of its own; `$/cancelRequest` cancels that task (or, if the request has not started,
/// answers it with −32800 without calling the handler). By default a request runs concurrently
/// with the messages after it, so a slow one never holds them up; a request whose
/// `ordering(of:)` is `.inOrder` is instead finished before the next message is looked at, so
/// that it cannot see the effect of a notification sent after it (a `hover` before a
/// `didChange`): use that for quick requests that read document state. Responses to requests this side sent are matched by id as soon as
/// they arrive, whatever is queued before them, so a handler may await a request to the peer.
public protocol MessageHandler: Sendable {
    /// Handles a notification; the next message waits until this returns, so it should be quick
    /// (start long work in a task of its own).
    func handle(_ notification: NotificationMessage, from connection: Connection) async

    /// Handles a request and returns its `result`. Throw a `ResponseError` to answer with that
    /// error; a `CancellationError` (after `$/cancelRequest`) is answered with −32800 and any other
    /// error with −32603.
    func handle(_ request: RequestMessage, from connection: Connection) async throws -> JSONValue

    /// Whether `request` runs concurrently with later messages (the default) or in order. Called
    /// on the connection's handling task; in an actor, declare it `nonisolated`.
    func ordering(of request: RequestMessage) -> RequestOrdering

    /// Learns of an error response that answers no request of ours (`"id": null`): how the peer
    /// reports a message of ours it could not read. By default nothing is done.
    func handle(unattributedError error: ResponseError, from connection: Connection) async

    /// Learns that the connection closed (the peer hung up or `close()` was called). Called once,
    /// after every message before the close was handled.
    func connectionDidClose(_ connection: Connection) async
}

/// How a request is scheduled against the messages that arrive after it.
public enum RequestOrdering: Sendable {
    /// The request runs in its own task while later messages are handled.
    case concurrent
    /// Later messages wait until the request has been answered.
    case inOrder
}

extension MessageHandler {
    public func ordering(of request: RequestMessage) -> RequestOrdering { .concurrent }
    public func handle(unattributedError error: ResponseError, from connection: Connection) async {}
    public func connectionDidClose(_ connection: Connection) async {}
}
