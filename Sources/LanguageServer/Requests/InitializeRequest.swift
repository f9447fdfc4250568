import JSONRPC

/// `initialize`: the client's capabilities and settings in, the server's capabilities out.
public struct InitializeRequest: RequestType, Hashable {
    public static let method = "initialize"
    public typealias Response = InitializeResult

    public var processId: Int?
    public var rootUri: String?
    public var capabilities: ClientCapabilities
    /// VSynth's settings (`ServerConfiguration`'s keys), read before anything else happens.
    public var initializationOptions: JSONValue?
    public var workspaceFolders: [WorkspaceFolder]?

    public init(processId: Int? = nil, rootUri: String? = nil, capabilities: ClientCapabilities = ClientCapabilities(),
                initializationOptions: JSONValue? = nil, workspaceFolders: [WorkspaceFolder]? = nil) {
        self.processId = processId
        self.rootUri = rootUri
        self.capabilities = capabilities
        self.initializationOptions = initializationOptions
        self.workspaceFolders = workspaceFolders
    }
}

/// The answer to `initialize`.
public struct InitializeResult: MessageType, Hashable {
    public struct ServerInfo: MessageType, Hashable {
        public var name: String
        public var version: String?
    }

    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo?
}
