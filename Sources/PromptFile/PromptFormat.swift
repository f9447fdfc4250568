/// The two prompt-file formats. They share the frontmatter and differ in the body: Handlebars
/// markers and `{{role}}` turns, or Markdown comments and `### User` / `### Model` headings.
public enum PromptFormat: String, Sendable, Codable, CaseIterable {
    /// Dotprompt `.prompt`: Handlebars body.
    case dotprompt
    /// `.prompt.md` (or any `.md`): Markdown body.
    case markdown

    /// The format a path's extension names: `.md` is Markdown, anything else Dotprompt.
    public init(path: String) {
        self = path.lowercased().hasSuffix(".md") ? .markdown : .dotprompt
    }

    /// The marker that opens the demonstrations region, as VSynth writes it.
    public var openMarker: String {
        self == .dotprompt ? "{{!-- vsynth:demos --}}" : "<!-- vsynth:demos -->"
    }

    /// The marker that closes the region, as VSynth writes it.
    public var closeMarker: String {
        self == .dotprompt ? "{{!-- /vsynth:demos --}}" : "<!-- /vsynth:demos -->"
    }

    /// The line that starts a user turn, as VSynth writes it.
    public var userTag: String { self == .dotprompt ? "{{role \"user\"}}" : "### User" }

    /// The line that starts a model turn, as VSynth writes it.
    public var modelTag: String { self == .dotprompt ? "{{role \"model\"}}" : "### Model" }
}
