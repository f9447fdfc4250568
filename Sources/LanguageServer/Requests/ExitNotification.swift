import JSONRPC

/// `exit`: end the process, with code 0 after `shutdown` and 1 without.
public struct ExitNotification: NotificationType, Hashable {
    public static let method = "exit"
    public init() {}
}
