import Foundation

/// `file://` URIs and paths. Only `file` URIs name files; anything else (`untitled:`) has no path.
public enum FileURI {
    /// The path of a `file://` URI, percent-decoded; nil for other schemes.
    public static func path(of uri: String) -> String? {
        guard uri.hasPrefix("file://") else { return nil }
        var rest = String(uri.dropFirst("file://".count))
        // `file://host/path`: only an empty host or localhost is a local file.
        if !rest.hasPrefix("/") {
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            let host = rest[..<slash]
            guard host.isEmpty || host == "localhost" else { return nil }
            rest = String(rest[slash...])
        }
        return rest.removingPercentEncoding ?? rest
    }

    /// The `file://` URI of an absolute path.
    public static func uri(of path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }

    /// Whether `path` names a prompt file VSynth reads (`*.prompt`, `*.prompt.md`).
    public static func isPromptFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".prompt") || lower.hasSuffix(".prompt.md")
    }
}
