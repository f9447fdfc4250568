import JSONRPC

/// How `Position.character` counts: LSP 3.17's `PositionEncodingKind`. The server prefers UTF-8
/// (its documents are UTF-8 bytes, so no conversion is needed), then UTF-16 (LSP's default, what a
/// client that offers nothing means), then UTF-32.
public enum PositionEncoding: String, MessageType, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case utf32 = "utf-32"

    /// The encoding to use given what the client offers (`general.positionEncodings`): UTF-8 if
    /// offered; else UTF-16 if offered or nothing is (LSP's default); UTF-32 only when it is the
    /// one offered.
    public static func negotiate(offered: [String]?) -> PositionEncoding {
        guard let offered, !offered.isEmpty else { return .utf16 }
        if offered.contains(PositionEncoding.utf8.rawValue) { return .utf8 }
        if offered.contains(PositionEncoding.utf16.rawValue) { return .utf16 }
        if offered.contains(PositionEncoding.utf32.rawValue) { return .utf32 }
        return .utf16
    }
}
