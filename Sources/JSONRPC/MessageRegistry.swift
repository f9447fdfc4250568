/// The request and notification types one side of a connection understands, by method name.
///
/// A handler decodes an incoming message into its type and then switches over the type:
///
/// ```swift
/// switch try registry.decode(request) {
/// case let hover as HoverRequest: return try await hover.answer(self.hover)
/// ...
/// }
/// ```
public struct MessageRegistry: Sendable {
    private let requests: [String: any RequestType.Type]
    private let notifications: [String: any NotificationType.Type]

    /// A registry of `requests` and `notifications`; a later type with the same method replaces an
    /// earlier one.
    public init(requests: [any RequestType.Type], notifications: [any NotificationType.Type]) {
        self.requests = Dictionary(requests.map { ($0.method, $0) }, uniquingKeysWith: { _, last in last })
        self.notifications = Dictionary(notifications.map { ($0.method, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The request type registered for `method`.
    public func requestType(for method: String) -> (any RequestType.Type)? { requests[method] }

    /// The notification type registered for `method`.
    public func notificationType(for method: String) -> (any NotificationType.Type)? { notifications[method] }

    /// The typed request. Throws −32601 for an unregistered method and −32602, naming the member,
    /// for params that do not decode.
    public func decode(_ request: RequestMessage) throws(ResponseError) -> any RequestType {
        guard let type = requests[request.method] else { throw ResponseError.methodNotFound(request.method) }
        return try Self.decodeParams(type, request.params, method: request.method)
    }

    /// The typed notification, or `nil` for an unregistered method (notifications of unknown
    /// methods are ignored, as LSP asks for `$/` ones and as is harmless for the rest). Throws
    /// −32602 for params that do not decode.
    public func decode(_ notification: NotificationMessage) throws(ResponseError) -> (any NotificationType)? {
        guard let type = notifications[notification.method] else { return nil }
        return try Self.decodeParams(type, notification.params, method: notification.method)
    }

    /// Decodes `params` (absent params decode as `{}`, so that a params-less type decodes).
    static func decodeParams<T: Decodable>(_ type: T.Type, _ params: JSONValue?,
                                           method: String) throws(ResponseError) -> T {
        do {
            return try JSONValueDecoder().decode(type, from: params ?? .object([:]))
        } catch {
            throw ResponseError.invalidParams("invalid params for \(method): \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if case JSONRPCError.decodingFailed(let why) = error { return why }
        return "\(error)"
    }
}

extension RequestMessage {
    /// The params decoded as `R`; −32602 naming the member when they do not fit.
    public func decode<R: RequestType>(_ type: R.Type) throws(ResponseError) -> R {
        try MessageRegistry.decodeParams(type, params, method: method)
    }
}

extension NotificationMessage {
    /// The params decoded as `N`; −32602 naming the member when they do not fit.
    public func decode<N: NotificationType>(_ type: N.Type) throws(ResponseError) -> N {
        try MessageRegistry.decodeParams(type, params, method: method)
    }
}

extension RequestType {
    /// Runs `body` on this request and encodes its response as the reply's `result`:
    /// `case let hover as HoverRequest: return try await hover.answer(self.hover)`.
    public func answer(_ body: (Self) async throws -> Response) async throws -> JSONValue {
        try JSONValue(encoding: try await body(self))
    }
}
