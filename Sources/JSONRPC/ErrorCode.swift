/// A JSON-RPC error code. The named ones are those of JSON-RPC 2.0 and LSP that VSynth uses;
/// any other integer is representable.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A message could not be read: bad framing, bytes, UTF-8 or JSON text.
    public static let parseError = ErrorCode(rawValue: -32700)
    /// The JSON is not a valid request object (also: batches, which VSynth does not support, and
    /// messages over the size limit).
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    /// The method does not exist or is not available.
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    /// The params are not what the method takes.
    public static let invalidParams = ErrorCode(rawValue: -32602)
    /// A failure inside the server.
    public static let internalError = ErrorCode(rawValue: -32603)
    /// LSP: a request arrived before `initialize`.
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    /// LSP: the request failed but it is not known why.
    public static let unknownErrorCode = ErrorCode(rawValue: -32001)
    /// LSP: the request failed for a reason the server can name (the request was valid).
    public static let requestFailed = ErrorCode(rawValue: -32803)
    /// LSP: the server cancelled the request itself.
    public static let serverCancelled = ErrorCode(rawValue: -32802)
    /// LSP: the document changed under the request, so its result would be wrong.
    public static let contentModified = ErrorCode(rawValue: -32801)
    /// LSP: the client cancelled the request (`$/cancelRequest`).
    public static let requestCancelled = ErrorCode(rawValue: -32800)

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { String(rawValue) }
}
