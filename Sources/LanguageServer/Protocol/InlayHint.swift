import JSONRPC

/// LSP's `InlayHint`: a label shown inline at a position (the V-Score after each demonstration).
public struct InlayHint: MessageType, Hashable {
    public var position: Position
    public var label: String
    /// 1 = type, 2 = parameter; absent for VSynth's hints.
    public var kind: Int?
    public var tooltip: String?
    public var paddingLeft: Bool?
    public var paddingRight: Bool?

    public init(position: Position, label: String, kind: Int? = nil, tooltip: String? = nil,
                paddingLeft: Bool? = true, paddingRight: Bool? = nil) {
        self.position = position
        self.label = label
        self.kind = kind
        self.tooltip = tooltip
        self.paddingLeft = paddingLeft
        self.paddingRight = paddingRight
    }
}
