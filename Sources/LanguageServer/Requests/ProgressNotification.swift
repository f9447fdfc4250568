import JSONRPC

/// `$/progress` (server to client): begin, report or end of the work named by `token`.
public struct ProgressNotification: NotificationType, Hashable {
    public static let method = "$/progress"
    public var token: ProgressToken
    public var value: WorkDoneProgress
    public init(token: ProgressToken, value: WorkDoneProgress) {
        self.token = token
        self.value = value
    }
}
