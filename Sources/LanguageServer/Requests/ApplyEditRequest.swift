import JSONRPC

/// `workspace/applyEdit` (server to client): apply `edit` to the editor's buffers.
public struct ApplyEditRequest: RequestType, Hashable {
    public static let method = "workspace/applyEdit"
    public typealias Response = ApplyEditResult
    public var label: String?
    public var edit: WorkspaceEdit
    public init(label: String?, edit: WorkspaceEdit) {
        self.label = label
        self.edit = edit
    }
}

/// The client's answer to `workspace/applyEdit`.
public struct ApplyEditResult: MessageType, Hashable {
    public var applied: Bool
    public var failureReason: String?
    public init(applied: Bool, failureReason: String? = nil) {
        self.applied = applied
        self.failureReason = failureReason
    }
}
