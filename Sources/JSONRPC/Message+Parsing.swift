extension Message {
    /// Reads a JSON value as a JSON-RPC 2.0 message, checking every member the spec requires.
    ///
    /// Unknown extra members are ignored. `params` must be an object or an array (`null` counts as
    /// absent). A response must have exactly one of `result` and `error`, and `id: null` only with
    /// an `error`.
    public init(_ value: JSONValue) throws(InvalidMessage) {
        guard case .object(let members) = value else {
            if case .array(let elements) = value {
                throw InvalidMessage(id: nil, error: .invalidRequest(elements.isEmpty
                    ? "jsonrpc: invalid message: empty batch"
                    : "jsonrpc: invalid message: batch requests are not supported (lsp does not use them)"))
            }
            throw Self.invalid(nil, "expected a message object, found \(value.kindName)")
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init)
        guard members["jsonrpc"] == "2.0" else {
            throw Self.invalid(id, "\"jsonrpc\" must be \"2.0\"")
        }
        if let method = members["method"] {
            guard case .string(let method) = method else {
                throw Self.invalid(id, "\"method\" must be a string, found \(method.kindName)")
            }
            if members["result"] != nil || members["error"] != nil {
                throw Self.invalid(id, "a message with \"method\" cannot have \"result\" or \"error\"")
            }
            let params: JSONValue?
            switch members["params"] {
            case nil, .null?: params = nil
            case .object?, .array?: params = members["params"]
            case let other?:
                throw Self.invalid(id, "\"params\" must be an object or an array, found \(other.kindName)")
            }
            guard let rawID else {
                self = .notification(NotificationMessage(method: method, params: params))
                return
            }
            guard let id else {
                throw Self.invalid(nil, "request \"id\" must be an integer or a string, found \(rawID.kindName)")
            }
            self = .request(RequestMessage(id: id, method: method, params: params))
            return
        }
        self = .response(try Self.response(members, rawID: rawID, id: id))
    }

    /// Reads the members of a response.
    private static func response(_ members: [String: JSONValue], rawID: JSONValue?,
                                 id: RequestID?) throws(InvalidMessage) -> ResponseMessage {
        func bad(_ why: String) -> InvalidMessage {
            InvalidMessage(id: id, error: .invalidRequest("jsonrpc: invalid response: " + why), shouldReply: false)
        }
        if rawID == nil { throw bad("missing \"id\" (and no \"method\")") }
        if id == nil && rawID != .null { throw bad("\"id\" must be an integer, a string or null") }
        switch (members["result"], members["error"]) {
        case (let result?, nil):
            guard let id else { throw bad("a result needs a non-null \"id\"") }
            return ResponseMessage(id: id, result: .success(result))
        case (nil, let error?):
            guard case .object(let fields) = error,
                  case .integer(let code)? = fields["code"], let code = Int(exactly: code),
                  case .string(let message)? = fields["message"]
            else { throw bad("\"error\" must be an object with an integer \"code\" and a string \"message\"") }
            let responseError = ResponseError(code: ErrorCode(rawValue: code), message: message, data: fields["data"])
            return ResponseMessage(id: id, result: .failure(responseError))
        case (nil, nil):
            throw bad("neither \"method\", \"result\" nor \"error\"")
        case (.some, .some):
            throw bad("both \"result\" and \"error\"")
        }
    }

    private static func invalid(_ id: RequestID?, _ why: String) -> InvalidMessage {
        InvalidMessage(id: id, error: .invalidRequest("jsonrpc: invalid message: " + why))
    }
}
