import JSONRPC

/// `window/workDoneProgress/create` (server to client): registers a progress token before `$/progress`.
public struct CreateWorkDoneProgressRequest: RequestType, Hashable {
    public static let method = "window/workDoneProgress/create"
    public typealias Response = VoidResponse
    public var token: ProgressToken
    public init(token: ProgressToken) { self.token = token }
}
