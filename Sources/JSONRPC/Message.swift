/// A request: a method call that expects a response carrying the same `id`.
public struct RequestMessage: Hashable, Sendable {
    public var id: RequestID
    public var method: String
    /// An object or an array; `nil` when the message had no params (or `null`).
    public var params: JSONValue?

    public init(id: RequestID, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A notification: a method call without an id, which is never answered.
public struct NotificationMessage: Hashable, Sendable {
    public var method: String
    /// An object or an array; `nil` when the message had no params (or `null`).
    public var params: JSONValue?

    public init(method: String, params: JSONValue? = nil) {
        self.method = method
        self.params = params
    }
}

/// A response: the result of a request, or the error it failed with.
public struct ResponseMessage: Hashable, Sendable {
    /// `nil` only for an error about a message whose id could not be read (sent as `"id": null`).
    public var id: RequestID?
    public var result: Result<JSONValue, ResponseError>

    public init(id: RequestID?, result: Result<JSONValue, ResponseError>) {
        self.id = id
        self.result = result
    }
}

/// One JSON-RPC 2.0 message.
///
/// Batches (a JSON array of messages) are not supported: LSP never sends them, and answering one
/// would need the replies of all its requests gathered into one array. A batch is answered with
/// one −32600 error (`"id": null`) that says so.
public enum Message: Hashable, Sendable {
    case request(RequestMessage)
    case notification(NotificationMessage)
    case response(ResponseMessage)

    /// The message as a JSON value, with `"jsonrpc": "2.0"`.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let request):
            members["id"] = request.id.jsonValue
            members["method"] = .string(request.method)
            if let params = request.params { members["params"] = params }
        case .notification(let notification):
            members["method"] = .string(notification.method)
            if let params = notification.params { members["params"] = params }
        case .response(let response):
            members["id"] = response.id?.jsonValue ?? .null
            switch response.result {
            case .success(let value):
                members["result"] = value
            case .failure(let error):
                var object: [String: JSONValue] = ["code": .integer(Int64(error.code.rawValue)),
                                                   "message": .string(error.message)]
                if let data = error.data { object["data"] = data }
                members["error"] = .object(object)
            }
        }
        return .object(members)
    }
}

/// A JSON value that is not a valid message, with what is needed to answer it.
public struct InvalidMessage: Error, Hashable, Sendable, CustomStringConvertible {
    /// The id to answer with, where the value had a readable one; `nil` means `"id": null`.
    public var id: RequestID?
    /// The error to answer with (−32600, or −32700 for a parse problem).
    public var error: ResponseError
    /// Whether an error response should be sent. `false` for malformed responses: answering a
    /// response could start an endless exchange of errors between two peers.
    public var shouldReply: Bool

    public init(id: RequestID?, error: ResponseError, shouldReply: Bool = true) {
        self.id = id
        self.error = error
        self.shouldReply = shouldReply
    }

    public var description: String { error.message }
}
