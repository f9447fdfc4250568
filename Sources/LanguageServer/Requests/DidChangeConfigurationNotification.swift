import JSONRPC

/// `workspace/didChangeConfiguration`: new settings, either VSynth's map itself or `{"vsynth": {...}}`.
public struct DidChangeConfigurationNotification: NotificationType, Hashable {
    public static let method = "workspace/didChangeConfiguration"
    public var settings: JSONValue?
    public init(settings: JSONValue?) { self.settings = settings }
}
