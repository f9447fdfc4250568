/// What one side of a `Connection` does with the messages it receives (the language server is an
/// actor conforming to this).
///
/// Ordering, which the server relies on: messages are handled in arrival order. A notification is
/// handled completely before the next message is looked at, so a request always sees the effect
/// of every notification sent before it (a `didChange` before a `hover`). Requests then run
/// concurrently, each in its own task, so a slow request never holds up the messages after it;
/// `$/cancelRequest` cancels that task (or, if the request has not started, answers it with −32800
/// without calling the handler). Responses to requests this side sent are matched by id as soon as
/// they arrive, whatever is queued before them, so a handler may await a request to the peer.
public protocol MessageHandler: Sendable {
    /// Handles a notification; the next message waits until this returns, so it should be quick
    /// (start long work in a task of its own).
    func handle(_ notification: NotificationMessage, from connection: Connection) async

    /// Handles a request and returns its `result`. Throw a `ResponseError` to answer with that
    /// error; a `CancellationError` (after `$/cancelRequest`) is answered with −32800 and any other
    /// error with −32603.
    func handle(_ request: RequestMessage, from connection: Connection) async throws -> JSONValue

    /// Learns of an error response that answers no request of ours (`"id": null`): how the peer
    /// reports a message of ours it could not read. By default nothing is done.
    func handle(unattributedError error: ResponseError, from connection: Connection) async

    /// Learns that the connection closed (the peer hung up or `close()` was called). Called once,
    /// after every message before the close was handled.
    func connectionDidClose(_ connection: Connection) async
}

extension MessageHandler {
    public func handle(unattributedError error: ResponseError, from connection: Connection) async {}
    public func connectionDidClose(_ connection: Connection) async {}
}
