import JSONRPC

/// A workspace folder the client opened.
public struct WorkspaceFolder: MessageType, Hashable {
    public var uri: String
    public var name: String
    public init(uri: String, name: String) {
        self.uri = uri
        self.name = name
    }
}
