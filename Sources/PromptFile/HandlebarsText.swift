/// The text of a Dotprompt turn as a Dotprompt runtime renders it, so that VSynth scores what the
/// model is sent: Handlebars comments (`{{! … }}`, `{{!-- … --}}`) render as nothing, and a
/// comment alone on its line ("standalone", in Handlebars' words) takes its whole line with it.
/// Other tags (`{{review}}`, `{{#if}}`) are kept as written: their value is known only when the
/// prompt runs, so the parser warns about them instead.
struct HandlebarsText {
    /// A `{{…}}` tag in the scanned span.
    struct Tag {
        var span: Range<Int>
        var isComment: Bool
    }

    let bytes: [UInt8]
    let span: Range<Int>

    /// Every tag in the span, in order. A tag left open runs to the end of the span.
    func tags() -> [Tag] {
        var tags: [Tag] = []
        var index = span.lowerBound
        while index + 1 < span.upperBound {
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else { index += 1; continue }
            let isComment = index + 2 < span.upperBound && bytes[index + 2] == UInt8(ascii: "!")
            let long = isComment && starts(with: "--", at: index + 3)
            let closer = long ? "--}}" : "}}"
            let searchFrom = index + (long ? 5 : isComment ? 3 : 2)
            let stop = find(closer, from: searchFrom).map { $0 + closer.utf8.count } ?? span.upperBound
            // `{{{raw}}}` closes with three braces.
            let end = !isComment && stop < span.upperBound && bytes[stop] == UInt8(ascii: "}") ? stop + 1 : stop
            tags.append(Tag(span: index..<end, isComment: isComment))
            index = end
        }
        return tags
    }

    /// The span's bytes with every comment removed; a standalone comment (only blanks before it
    /// on its line and only blanks then a line break after it) goes with its whole line.
    func withoutComments(_ tags: [Tag]) -> [UInt8] {
        var out: [UInt8] = []
        var copied = span.lowerBound
        for tag in tags where tag.isComment && tag.span.lowerBound >= copied {
            var removed = tag.span
            var lineStart = tag.span.lowerBound
            while lineStart > 0, isBlank(bytes[lineStart - 1]) { lineStart -= 1 }
            var after = tag.span.upperBound
            while after < bytes.count, isBlank(bytes[after]) { after += 1 }
            // Looked at in the whole file: what stands before the span (a turn tag) counts too.
            let startsLine = lineStart == 0 || isBreak(bytes[lineStart - 1])
            if startsLine, after == bytes.count || isBreak(bytes[after]) {
                if after < bytes.count, bytes[after] == 0x0D { after += 1 }
                if after < bytes.count, bytes[after] == 0x0A { after += 1 }
                removed = max(lineStart, copied)..<min(after, span.upperBound)
            }
            out += bytes[copied..<removed.lowerBound]
            copied = removed.upperBound
        }
        out += bytes[copied..<span.upperBound]
        return out
    }

    /// Whether a non-comment tag tries to be a turn tag (`{{role "user}}`, `{{ role user }}`).
    func isRoleLike(_ tag: Tag) -> Bool {
        var i = tag.span.lowerBound + 2
        while i < tag.span.upperBound, bytes[i] == 0x20 || bytes[i] == UInt8(ascii: "~") { i += 1 }
        guard starts(with: "role", at: i), i + 4 < tag.span.upperBound else { return false }
        let next = bytes[i + 4]
        return !(next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z")) && !(next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z"))
            && !(next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) && next != UInt8(ascii: "_")
    }

    /// The tag as written, on one line and at most 60 characters, for messages.
    func quoted(_ tag: Tag) -> String {
        BodyScanner.clipped(String(decoding: bytes[tag.span], as: UTF8.self))
    }

    private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    private func starts(with literal: String, at index: Int) -> Bool { scanner.starts(with: literal, at: index) }
    private func find(_ literal: String, from index: Int) -> Int? { scanner.find(literal, from: index) }
    private var scanner: BodyScanner { BodyScanner(bytes: bytes, span: span) }
}
