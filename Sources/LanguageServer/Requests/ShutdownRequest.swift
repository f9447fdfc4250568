import JSONRPC

/// `shutdown`: stop working and wait for `exit`. Answered with `null`.
public struct ShutdownRequest: RequestType, Hashable {
    public static let method = "shutdown"
    public typealias Response = VoidResponse
    public init() {}
}
