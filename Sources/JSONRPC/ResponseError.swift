/// The `error` member of a JSON-RPC response, and the error a request handler throws to send one.
///
/// Handlers throw these to answer with a specific code; `Connection` turns `CancellationError` into
/// `.cancelled` and any other error into `.internalError` with its description.
public struct ResponseError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var data: JSONValue?

    public init(code: ErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// −32700 for a message that is not valid JSON.
    public static func parseError(_ message: String) -> ResponseError { .init(code: .parseError, message: message) }
    /// −32600 for a message that is not a valid request.
    public static func invalidRequest(_ message: String) -> ResponseError {
        .init(code: .invalidRequest, message: message)
    }
    /// −32601 for a method this side does not handle.
    public static func methodNotFound(_ method: String) -> ResponseError {
        .init(code: .methodNotFound, message: "method not found: \(method)")
    }
    /// −32602 for params that do not fit the method.
    public static func invalidParams(_ message: String) -> ResponseError {
        .init(code: .invalidParams, message: message)
    }
    /// −32603 for a failure inside the handler.
    public static func internalError(_ message: String) -> ResponseError {
        .init(code: .internalError, message: message)
    }
    /// −32002 for a request before `initialize`.
    public static let serverNotInitialized = ResponseError(code: .serverNotInitialized,
                                                           message: "server not initialized")
    /// −32800 for a request cancelled by `$/cancelRequest`.
    public static let cancelled = ResponseError(code: .requestCancelled, message: "request cancelled")
    /// −32801 for a request whose document changed while it ran.
    public static let contentModified = ResponseError(code: .contentModified, message: "content modified")

    /// The error that answers a frame or message problem: −32700 for what could not be read (bad
    /// framing, bytes or JSON), −32600 for a message over the size limit or a value that is not a
    /// message.
    public init(_ problem: JSONRPCError) {
        self.init(code: problem.isParseError ? .parseError : .invalidRequest, message: problem.description)
    }

    public var description: String { "error \(code.rawValue): \(message)" }
}
