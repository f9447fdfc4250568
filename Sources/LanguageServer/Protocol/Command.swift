import JSONRPC

/// LSP's `Command`: a title and a `workspace/executeCommand` call.
public struct Command: MessageType, Hashable {
    public var title: String
    public var command: String
    public var arguments: [JSONValue]?

    public init(title: String, command: String, arguments: [JSONValue]? = nil) {
        self.title = title
        self.command = command
        self.arguments = arguments
    }
}
