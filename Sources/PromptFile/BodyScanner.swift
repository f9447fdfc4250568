/// Finds the structural tokens of a prompt-file body: region markers and turn tags. Everything
/// else in the body is the user's text and is never interpreted.
struct BodyScanner {
    enum Kind: Equatable {
        case open
        case close
        /// `{{role "name"}}` or a `### User` / `### Model` heading; the name lowercased.
        case role(String)
        /// A comment mentioning `vsynth:` that is not a marker (its trimmed text, first line, clipped).
        case unknownMarker(String)
        /// A marker written almost right (`{{!-- vsynth:demos -}}`, `<!- vsynth:demos -->`): the
        /// text as written, on one line; `closing` for `/vsynth:demos`.
        case malformed(closing: Bool, found: String)
    }

    struct Token {
        var kind: Kind
        var span: Range<Int>
    }

    let bytes: [UInt8]
    let span: Range<Int>

    // MARK: Handlebars

    /// Markers (from `{{!-- … --}}` / `{{! … }}` comments) and `{{role "…"}}` tags, in order.
    /// Role tags inside comments do not count.
    func handlebarsTokens() -> [Token] {
        var tokens: [Token] = []
        var index = span.lowerBound
        let end = span.upperBound
        while index + 1 < end {
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else { index += 1; continue }
            // Checked before the comment rules: a marker one dash short would otherwise read on to
            // the next `--}}` and swallow the demonstrations into one comment.
            if let near = nearMiss(at: index, opener: "{{", closer: "}}", exact: isExactHandlebarsMarker) {
                tokens.append(near)
                index = near.span.upperBound
                continue
            }
            if index + 2 < end, bytes[index + 2] == UInt8(ascii: "!") {
                let long = starts(with: "--", at: index + 3)
                let bodyStart = index + (long ? 5 : 3)
                guard let close = find(long ? "--}}" : "}}", from: bodyStart) else { break }
                let stop = close + (long ? 4 : 2)
                if let kind = markerKind(bodyStart..<close) {
                    tokens.append(Token(kind: kind, span: index..<stop))
                }
                index = stop
                continue
            }
            if let (name, stop) = roleTag(at: index) {
                tokens.append(Token(kind: .role(name), span: index..<stop))
                index = stop
                continue
            }
            index += 2
        }
        return tokens
    }

    /// `{{ role "name" }}` (or single quotes) at `index`: the name lowercased and the tag's end.
    func roleTag(at index: Int) -> (String, Int)? {
        var i = index + 2
        let end = span.upperBound
        while i < end, bytes[i] == 0x20 { i += 1 }
        guard starts(with: "role", at: i) else { return nil }
        i += 4
        let spaceStart = i
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i > spaceStart, i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { return nil }
        let quote = bytes[i]
        i += 1
        let nameStart = i
        while i < end, bytes[i] != quote, bytes[i] != 0x0A, bytes[i] != UInt8(ascii: "}") { i += 1 }
        guard i < end, bytes[i] == quote else { return nil }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
        i += 1
        while i < end, bytes[i] == 0x20 { i += 1 }
        guard starts(with: "}}", at: i) else { return nil }
        return (name, i + 2)
    }

    // MARK: Markdown

    /// Markers from `<!-- … -->` comments, in order.
    func markdownMarkers() -> [Token] {
        var tokens: [Token] = []
        var index = span.lowerBound
        while let open = find("<!", from: index) {
            if let near = nearMiss(at: open, opener: "<", closer: ">", exact: isExactMarkdownMarker) {
                tokens.append(near)
                index = near.span.upperBound
                continue
            }
            guard starts(with: "<!--", at: open) else { index = open + 2; continue }
            guard let close = find("-->", from: open + 4) else { break }
            if let kind = markerKind(open + 4..<close) {
                tokens.append(Token(kind: kind, span: open..<close + 3))
            }
            index = close + 3
        }
        return tokens
    }

    /// `#`…`######` `User` / `Model` heading lines inside `content`, outside fenced code blocks.
    /// The token spans the heading line without its line break.
    func markdownHeadings(in content: Range<Int>) -> [Token] {
        var tokens: [Token] = []
        var lineStart = content.lowerBound
        var fence: UInt8?
        while lineStart < content.upperBound {
            var lineEnd = lineStart
            while lineEnd < content.upperBound, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
            let line = Array(bytes[lineStart..<lineEnd])
            var k = 0
            while k < line.count, k < 3, line[k] == 0x20 { k += 1 }
            if k + 2 < line.count, line[k] == UInt8(ascii: "`") || line[k] == UInt8(ascii: "~"),
               line[k + 1] == line[k], line[k + 2] == line[k] {
                if fence == nil { fence = line[k] } else if fence == line[k] { fence = nil }
            } else if fence == nil, let name = Self.headingRole(line) {
                tokens.append(Token(kind: .role(name), span: lineStart..<lineEnd))
            }
            lineStart = lineEnd
            if lineStart < content.upperBound, bytes[lineStart] == 0x0D { lineStart += 1 }
            if lineStart < content.upperBound, bytes[lineStart] == 0x0A { lineStart += 1 }
        }
        return tokens
    }

    /// `user` or `model` if `line` is an ATX heading naming a turn (`### User`, `## model ##`).
    static func headingRole(_ line: [UInt8]) -> String? {
        var i = 0
        while i < line.count, line[i] == UInt8(ascii: "#") { i += 1 }
        guard (1...6).contains(i), i < line.count, line[i] == 0x20 || line[i] == 0x09 else { return nil }
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        var j = line.count
        while j > i, line[j - 1] == 0x20 || line[j - 1] == 0x09 || line[j - 1] == UInt8(ascii: "#") { j -= 1 }
        let word = String(decoding: line[i..<j], as: UTF8.self).lowercased()
        return word == "user" || word == "model" ? word : nil
    }

    // MARK: Shared

    func markerKind(_ content: Range<Int>) -> Kind? {
        let text = String(decoding: bytes[content], as: UTF8.self).trimmingWhitespace()
        if text == "vsynth:demos" { return .open }
        if text == "/vsynth:demos" { return .close }
        if text.contains("vsynth:") { return .unknownMarker(Self.clipped(text)) }
        return nil
    }

    /// The first line of `text`, at most 60 characters: what a message quotes of a comment, which
    /// may run on for the rest of the file.
    static func clipped(_ text: String) -> String {
        let line = String(text.prefix { !$0.isNewline })
        if line.count > 60 { return line.prefix(59) + "…" }
        return line.count < text.count ? line + "…" : line
    }

    /// A tag on one line from `opener` at `index` to the first `closer` that, stripped of braces,
    /// `!`, `-`, `<`, `>` and blanks, names a marker but is not written exactly as one.
    func nearMiss(at index: Int, opener: String, closer: String, exact: (String) -> Bool) -> Token? {
        guard starts(with: opener, at: index), let close = find(closer, from: index + opener.utf8.count) else { return nil }
        let stop = close + closer.utf8.count
        let tag = bytes[index..<stop]
        guard !tag.contains(0x0A), !tag.contains(0x0D) else { return nil }
        let text = String(decoding: tag, as: UTF8.self)
        let name = text.filter { !"{}!-<> \t".contains($0) }
        guard name == "vsynth:demos" || name == "/vsynth:demos", !exact(text) else { return nil }
        return Token(kind: .malformed(closing: name.hasPrefix("/"), found: text), span: index..<stop)
    }

    /// `{{!-- name --}}` or `{{! name }}` (blanks optional), as `handlebarsTokens` reads markers.
    func isExactHandlebarsMarker(_ text: String) -> Bool {
        if text.hasPrefix("{{!--"), text.hasSuffix("--}}"), text.count >= 9 {
            return isName(text.dropFirst(5).dropLast(4))
        }
        guard text.hasPrefix("{{!"), text.hasSuffix("}}"), text.count >= 5 else { return false }
        let inner = text.dropFirst(3).dropLast(2)
        return isName(inner)
    }

    /// `<!-- name -->`.
    func isExactMarkdownMarker(_ text: String) -> Bool {
        text.hasPrefix("<!--") && text.hasSuffix("-->") && text.count >= 7 && isName(text.dropFirst(4).dropLast(3))
    }

    private func isName(_ text: Substring) -> Bool {
        let name = String(text).trimmingWhitespace()
        return name == "vsynth:demos" || name == "/vsynth:demos"
    }

    func starts(with literal: String, at index: Int) -> Bool {
        var i = index
        for b in literal.utf8 {
            guard i < span.upperBound, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    func find(_ literal: String, from index: Int) -> Int? {
        let needle = Array(literal.utf8)
        var i = max(index, span.lowerBound)
        while i + needle.count <= span.upperBound {
            if bytes[i] == needle[0], starts(with: literal, at: i) { return i }
            i += 1
        }
        return nil
    }
}
