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
    /// While `synthesizing`: how far the synthesis is, 0 to 100 (the `$/progress` percentage, for
    /// clients that do not take `$/progress`), with `message` saying what it does.
    public var percentage: Int?
    public init(state: String, uri: String? = nil, message: String? = nil, counts: DocumentCounts? = nil,
                percentage: Int? = nil) {
        self.state = state
        self.uri = uri
        self.message = message
        self.counts = counts
        self.percentage = percentage
    }
}
