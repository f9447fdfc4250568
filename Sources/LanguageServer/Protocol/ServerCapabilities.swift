import JSONRPC

/// What the server offers, as `initialize` answers it.
public struct ServerCapabilities: MessageType, Hashable {
    public struct SaveOptions: MessageType, Hashable {
        public var includeText: Bool
    }

    public struct TextDocumentSyncOptions: MessageType, Hashable {
        public var openClose: Bool
        /// 2 = incremental.
        public var change: Int
        public var save: SaveOptions
    }

    public struct CodeActionOptions: MessageType, Hashable {
        public var codeActionKinds: [String]
        public var resolveProvider: Bool
    }

    public struct ExecuteCommandOptions: MessageType, Hashable {
        public var commands: [String]
    }

    public struct WorkspaceFoldersOptions: MessageType, Hashable {
        public var supported: Bool
        public var changeNotifications: Bool
    }

    public struct WorkspaceOptions: MessageType, Hashable {
        public var workspaceFolders: WorkspaceFoldersOptions
    }

    public var positionEncoding: PositionEncoding
    public var textDocumentSync: TextDocumentSyncOptions
    public var hoverProvider: Bool
    public var inlayHintProvider: Bool
    public var codeActionProvider: CodeActionOptions
    public var executeCommandProvider: ExecuteCommandOptions
    public var workspace: WorkspaceOptions

    /// Everything VSynth's server does, in `encoding`.
    public static func vsynth(encoding: PositionEncoding) -> ServerCapabilities {
        ServerCapabilities(
            positionEncoding: encoding,
            textDocumentSync: TextDocumentSyncOptions(openClose: true, change: 2, save: SaveOptions(includeText: false)),
            hoverProvider: true,
            inlayHintProvider: true,
            codeActionProvider: CodeActionOptions(codeActionKinds: ["quickfix", "source", "refactor.rewrite"],
                                                  resolveProvider: true),
            executeCommandProvider: ExecuteCommandOptions(commands: ServerCommand.allCases.map(\.rawValue)),
            workspace: WorkspaceOptions(workspaceFolders: WorkspaceFoldersOptions(supported: true,
                                                                                  changeNotifications: true)))
    }
}
