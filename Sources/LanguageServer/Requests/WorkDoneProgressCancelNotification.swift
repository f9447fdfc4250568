import JSONRPC

/// `window/workDoneProgress/cancel`: the user pressed the progress's cancel button.
public struct WorkDoneProgressCancelNotification: NotificationType, Hashable {
    public static let method = "window/workDoneProgress/cancel"
    public var token: ProgressToken
    public init(token: ProgressToken) { self.token = token }
}
