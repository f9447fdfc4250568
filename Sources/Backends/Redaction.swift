/// Hides the credentials a URL carries (`http://user:key@host` → `http://***@host`) in any text
/// before it is printed: every `BackendError` message, trace line and configuration description
/// passes through here, so a key written into a backend URL never reaches a terminal, a log or an
/// editor. The one place that knows what a URL's userinfo looks like.
public enum Redaction {
    /// Characters that end a URL's authority (`scheme://authority/path`), or the URL itself in prose.
    private static let authorityEnd: Set<Character> = ["/", "?", "#", "'", "\"", "<", ">", " ", "\t", "\n", "\r"]

    /// `text` with the userinfo of every URL in it replaced by `***`. Everything up to the
    /// authority's last `@` is userinfo (an unescaped `@` in a password belongs to it, as URL parsers read it).
    public static func redact(_ text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            let end = rest[separator.upperBound...].firstIndex(where: authorityEnd.contains) ?? rest.endIndex
            let authority = rest[separator.upperBound..<end]
            if let at = authority.lastIndex(of: "@") {
                result += "***" + rest[at..<end]
            } else {
                result += authority
            }
            rest = rest[end...]
        }
        return result + rest
    }
}
