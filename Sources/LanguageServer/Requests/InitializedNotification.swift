import JSONRPC

/// `initialized`: the client has the server's capabilities; the server may now send requests.
public struct InitializedNotification: NotificationType, Hashable {
    public static let method = "initialized"
    public init() {}
}
