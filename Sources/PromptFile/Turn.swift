/// A turn of a demonstration as found in the file.
public struct Turn: Sendable, Equatable {
    public enum Role: String, Sendable, Codable { case user, model }

    public var role: Role
    /// The turn's text (X or Y), trimmed as the format reference says.
    public var text: String
    /// Where the text is (empty range at the tag's end when the turn is empty).
    public var range: SourceRange
    /// Where the `{{role "…"}}` tag or the `### User` / `### Model` heading is.
    public var tagRange: SourceRange
}
