/// The params of a request or notification, encoded as the message's `params`.
public typealias MessageType = Codable & Sendable

/// A request as a type: its params are the type's stored properties, its method and response type
/// are static. One type per file, as in sourcekit-lsp:
///
/// ```swift
/// public struct ApplyEditRequest: RequestType {
///     public static let method = "workspace/applyEdit"
///     public typealias Response = ApplyEditResult
///     public var edit: WorkspaceEdit
/// }
/// ```
public protocol RequestType: MessageType {
    /// The JSON-RPC method name.
    static var method: String { get }
    /// What a successful response's `result` decodes to.
    associatedtype Response: MessageType
}

/// A notification as a type: its params are the type's stored properties.
public protocol NotificationType: MessageType {
    /// The JSON-RPC method name.
    static var method: String { get }
}

/// The result of a request whose response is `null` (LSP's `shutdown`, for example). Decodes from
/// any value, so that a peer answering `{}` or `true` where `null` was due does not fail.
public struct VoidResponse: MessageType, Hashable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

/// `$/cancelRequest`: the peer no longer wants the answer to request `id`.
public struct CancelRequestNotification: NotificationType, Hashable {
    public static let method = "$/cancelRequest"
    public var id: RequestID
    public init(id: RequestID) { self.id = id }
}
