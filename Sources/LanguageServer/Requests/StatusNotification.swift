import JSONRPC

/// `vsynth/status` (server to client, only when `initializationOptions.statusNotifications` is true):
/// what the daemon is doing, for thin clients that show a mode-line indicator.
public struct StatusNotification: NotificationType, Hashable {
    public static let method = "vsynth/status"
    /// `loading`, `ready`, `scoring`, `synthesizing`, `idle` or `error`.
    public var state: String
    public var uri: String?
    public var message: String?
    /// With a `uri` that is open (or watched): what its diagnostics add up to now.
    public var counts: DocumentCounts?
    public init(state: String, uri: String? = nil, message: String? = nil, counts: DocumentCounts? = nil) {
        self.state = state
        self.uri = uri
        self.message = message
        self.counts = counts
    }
}
