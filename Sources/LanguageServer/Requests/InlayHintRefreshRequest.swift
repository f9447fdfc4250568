import JSONRPC

/// `workspace/inlayHint/refresh`: asks the client to request inlay hints again (scores changed).
/// Sent only to clients that declare `refreshSupport`.
public struct InlayHintRefreshRequest: RequestType, Hashable {
    public static let method = "workspace/inlayHint/refresh"
    public typealias Response = VoidResponse
    public init() {}
}
