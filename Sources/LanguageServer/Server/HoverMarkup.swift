/// Hover text in the one format the client renders: Markdown, or plain text for clients that show
/// text as it is (Vim's popup, Emacs' echo area), where `**` and backticks would only be noise.
struct HoverMarkup {
    /// Markdown, else plain text.
    var markdown: Bool

    /// Emphasis: bold in Markdown, nothing in plain text.
    func strong(_ text: String) -> String { markdown ? "**\(text)**" : text }

    /// A name or token as written: code in Markdown, single-quoted in plain text.
    func code(_ text: String) -> String { markdown ? "`\(text)`" : "'\(text)'" }

    /// `value` (built with `strong` and `code`) as LSP markup of this format.
    func content(_ value: String) -> MarkupContent {
        MarkupContent(kind: markdown ? "markdown" : "plaintext", value: value)
    }
}
