import JSONRPC

/// The parts of the client's capabilities the server acts on. Unknown members are ignored; every
/// member is optional, as clients send very different subsets (Eglot sends little, VS Code a lot).
public struct ClientCapabilities: MessageType, Hashable {
    public struct General: MessageType, Hashable {
        public var positionEncodings: [String]?
        public init(positionEncodings: [String]? = nil) { self.positionEncodings = positionEncodings }
    }

    public struct Window: MessageType, Hashable {
        /// Whether the client shows `$/progress` for tokens it created via `window/workDoneProgress/create`.
        public var workDoneProgress: Bool?
        public init(workDoneProgress: Bool? = nil) { self.workDoneProgress = workDoneProgress }
    }

    public struct WorkspaceEditCapabilities: MessageType, Hashable {
        public var documentChanges: Bool?
        public init(documentChanges: Bool? = nil) { self.documentChanges = documentChanges }
    }

    public struct RefreshSupport: MessageType, Hashable {
        public var refreshSupport: Bool?
        public init(refreshSupport: Bool? = nil) { self.refreshSupport = refreshSupport }
    }

    public struct Workspace: MessageType, Hashable {
        /// Whether the client answers `workspace/applyEdit`.
        public var applyEdit: Bool?
        public var workspaceEdit: WorkspaceEditCapabilities?
        public var inlayHint: RefreshSupport?
        public var workspaceFolders: Bool?
        public init(applyEdit: Bool? = nil, workspaceEdit: WorkspaceEditCapabilities? = nil,
                    inlayHint: RefreshSupport? = nil, workspaceFolders: Bool? = nil) {
            self.applyEdit = applyEdit
            self.workspaceEdit = workspaceEdit
            self.inlayHint = inlayHint
            self.workspaceFolders = workspaceFolders
        }
    }

    public struct HoverCapabilities: MessageType, Hashable {
        /// The formats the client renders, preferred first: `markdown`, `plaintext`.
        public var contentFormat: [String]?
        public init(contentFormat: [String]? = nil) { self.contentFormat = contentFormat }
    }

    public struct TextDocument: MessageType, Hashable {
        public var hover: HoverCapabilities?
        public init(hover: HoverCapabilities? = nil) { self.hover = hover }
    }

    public var general: General?
    public var window: Window?
    public var workspace: Workspace?
    public var textDocument: TextDocument?

    public init(general: General? = nil, window: Window? = nil, workspace: Workspace? = nil,
                textDocument: TextDocument? = nil) {
        self.general = general
        self.window = window
        self.workspace = workspace
        self.textDocument = textDocument
    }

    /// Whether progress may be reported (the client said so; LSP forbids it otherwise).
    public var supportsWorkDoneProgress: Bool { window?.workDoneProgress == true }
    /// Whether versioned `documentChanges` may be sent.
    public var supportsDocumentChanges: Bool { workspace?.workspaceEdit?.documentChanges == true }
    /// Whether `workspace/inlayHint/refresh` may be sent.
    public var supportsInlayHintRefresh: Bool { workspace?.inlayHint?.refreshSupport == true }
    /// Whether hovers should be plain text: the client lists `plaintext` first, or does not list
    /// `markdown` at all (LSP: the order is the client's preference; unsaid means Markdown is fine).
    public var prefersPlainTextHover: Bool {
        guard let formats = textDocument?.hover?.contentFormat, !formats.isEmpty else { return false }
        return formats.first == "plaintext" || !formats.contains("markdown")
    }
}
