import JSONRPC

/// `window/logMessage` (server to client): a line for the client's log of this server.
public struct LogMessageNotification: NotificationType, Hashable {
    public static let method = "window/logMessage"
    public var type: Int
    public var message: String
    public init(type: Int, message: String) {
        self.type = type
        self.message = message
    }
}
