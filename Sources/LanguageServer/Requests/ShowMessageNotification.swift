import JSONRPC

/// `window/showMessage` (server to client): a message for the user (1 error, 2 warning, 3 info, 4 log).
public struct ShowMessageNotification: NotificationType, Hashable {
    public static let method = "window/showMessage"
    public var type: Int
    public var message: String
    public init(type: Int, message: String) {
        self.type = type
        self.message = message
    }
}
