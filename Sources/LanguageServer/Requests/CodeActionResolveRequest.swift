import JSONRPC

/// `codeAction/resolve`: fills in the command of an action `textDocument/codeAction` returned.
public struct CodeActionResolveRequest: RequestType, Hashable {
    public static let method = "codeAction/resolve"
    public typealias Response = CodeAction
    public var action: CodeAction
    public init(action: CodeAction) { self.action = action }

    public init(from decoder: any Decoder) throws { action = try CodeAction(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try action.encode(to: encoder) }
}
