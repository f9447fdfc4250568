import JSONRPC

/// `workspace/didChangeWorkspaceFolders`: folders added and removed (what the watcher watches).
public struct DidChangeWorkspaceFoldersNotification: NotificationType, Hashable {
    public struct Event: MessageType, Hashable {
        public var added: [WorkspaceFolder]
        public var removed: [WorkspaceFolder]
        public init(added: [WorkspaceFolder], removed: [WorkspaceFolder]) {
            self.added = added
            self.removed = removed
        }
    }

    public static let method = "workspace/didChangeWorkspaceFolders"
    public var event: Event
    public init(event: Event) { self.event = event }
}
