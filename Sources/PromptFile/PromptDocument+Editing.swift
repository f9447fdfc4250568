/// Writing demonstrations into the region. Only the region changes; demonstrations that stay
/// keep their exact text and spacing, so rendering the parsed demonstrations gives back the file
/// byte for byte. New demonstrations take the canonical form of docs/prompt-files.md.
extension PromptDocument {
    /// The edits that make the region hold `demonstrations` (in that order): one edit covering
    /// the smallest changed span, none if nothing changes. Without a region, one insertion that
    /// creates it (before the body's last `{{role "user"}}` tag in Dotprompt, else at the end of
    /// the body after a blank line); none for an empty list.
    public func edits(replacingDemonstrationsWith demonstrations: [Demonstration]) throws(PromptFileError) -> [TextEdit] {
        if let first = errors.first { throw .documentHasErrors(first.description) }
        let normalized = demonstrations.map(Self.normalized)
        let edits: [TextEdit]
        if let region {
            edits = minimalEdits(replacing: region.range.bytes, with: try renderRegion(normalized))
        } else {
            guard !normalized.isEmpty else { return [] }
            edits = [try creationEdit(normalized)]
        }
        try checkReadBack(edits, expecting: normalized)
        return edits
    }

    /// The safety net under every edit: the edited file must parse without errors and hold
    /// exactly the intended demonstrations (e.g. an unclosed comment before the place where a
    /// new region would go would swallow its opening marker).
    func checkReadBack(_ edits: [TextEdit], expecting demonstrations: [Demonstration]) throws(PromptFileError) {
        guard !edits.isEmpty else { return }
        let after = PromptDocument(bytes: try TextEdit.apply(edits, to: lines.bytes), path: path, format: format)
        if let error = after.errors.first {
            throw .invalidEdit("the edited file would not parse (\(error.error.description)); is a comment before the region left open?")
        }
        guard after.demonstrationPairs == demonstrations else {
            throw .invalidEdit("the edited file would not read back the same demonstrations")
        }
    }

    /// The edits that append one demonstration at the end of the region.
    public func edits(appending demonstration: Demonstration) throws(PromptFileError) -> [TextEdit] {
        try edits(replacingDemonstrationsWith: demonstrationPairs + [demonstration])
    }

    /// The region's full text (markers included) holding `demonstrations`, reusing the text of
    /// demonstrations that stay. With no region yet, the canonical new region.
    public func renderedRegion(_ demonstrations: [Demonstration]) throws(PromptFileError) -> String {
        let normalized = demonstrations.map(Self.normalized)
        guard region != nil else { return String(decoding: try canonicalRegion(normalized), as: UTF8.self) }
        return String(decoding: try renderRegion(normalized), as: UTF8.self)
    }

    /// One demonstration in this file's format and line-break style, as VSynth writes new ones
    /// (`{{role "user"}}`⏎X⏎`{{role "model"}}`⏎Y, no trailing line break).
    public func render(_ demonstration: Demonstration) throws(PromptFileError) -> String {
        let normalized = Self.normalized(demonstration)
        try checkRepresentable(normalized, index: 0)
        return String(decoding: canonical(normalized), as: UTF8.self)
    }

    /// The line break the file uses: CRLF if its first line break is one, else LF.
    public var lineBreak: String {
        let bytes = lines.bytes
        let first = region.map { $0.openMarker.end.offset } ?? 0
        if let index = bytes[first...].firstIndex(of: 0x0A) ?? bytes.firstIndex(of: 0x0A), index > 0, bytes[index - 1] == 0x0D {
            return "\r\n"
        }
        return "\n"
    }

    // MARK: Rendering

    func canonical(_ demonstration: Demonstration) -> [UInt8] {
        let nl = lineBreak
        let text: String
        switch format {
        case .dotprompt:
            text = format.userTag + nl + demonstration.input + nl + format.modelTag + nl + demonstration.output
        case .markdown:
            text = format.userTag + nl + nl + demonstration.input + nl + nl + format.modelTag + nl + nl + demonstration.output
        }
        return Array(text.utf8)
    }

    /// `open⏎d1⏎⏎d2⏎close`: the region VSynth creates.
    func canonicalRegion(_ demonstrations: [Demonstration]) throws(PromptFileError) -> [UInt8] {
        let nl = Array(lineBreak.utf8)
        var out = Array(format.openMarker.utf8) + nl
        for (index, demonstration) in demonstrations.enumerated() {
            try checkRepresentable(demonstration, index: index)
            if index > 0 { out += nl + nl }
            out += canonical(demonstration)
        }
        if !demonstrations.isEmpty { out += nl }
        return out + Array(format.closeMarker.utf8)
    }

    /// The region's new text; demonstrations found among the old ones keep their source text,
    /// and two that stay neighbours keep the spacing between them.
    /// Demonstrations written anew are checked to read back unchanged; reused ones are not
    /// (they already are in the file, whatever they hold).
    func renderRegion(_ new: [Demonstration]) throws(PromptFileError) -> [UInt8] {
        guard let region else { return try canonicalRegion(new) }
        let bytes = lines.bytes
        let open = Array(bytes[region.openMarker.bytes])
        let close = Array(bytes[region.closeMarker.bytes])
        let content = region.content.bytes
        let old = demonstrations
        if old.isEmpty {
            if new.isEmpty { return Array(bytes[region.range.bytes]) }
            var out = try canonicalRegion(new)
            out.removeFirst(format.openMarker.utf8.count)
            out.removeLast(format.closeMarker.utf8.count)
            return open + out + close
        }
        let nl = Array(lineBreak.utf8)
        guard !new.isEmpty else { return open + nl + close }
        let sources = old.map(\.range.bytes)
        var separators: [Range<Int>] = []
        for index in 1..<max(1, sources.count) where sources.count > 1 {
            separators.append(sources[index - 1].upperBound..<sources[index].lowerBound)
        }
        let defaultSeparator = separators.first.map { Array(bytes[$0]) } ?? nl + nl
        var unused: [Demonstration: [Int]] = [:]
        for (index, demonstration) in old.enumerated() { unused[demonstration.demonstration, default: []].append(index) }
        var out = open + Array(bytes[content.lowerBound..<sources[0].lowerBound])
        var previous: Int?
        for (index, demonstration) in new.enumerated() {
            var reused: Int?
            if var candidates = unused[demonstration], !candidates.isEmpty {
                let pick = candidates.firstIndex(of: index) ?? 0
                reused = candidates.remove(at: pick)
                unused[demonstration] = candidates
            }
            if index > 0 {
                if let previous, let reused, reused == previous + 1 {
                    out += bytes[separators[previous]]
                } else {
                    out += defaultSeparator
                }
            }
            if let reused {
                out += bytes[sources[reused]]
            } else {
                try checkRepresentable(demonstration, index: index)
                out += canonical(demonstration)
            }
            previous = reused
        }
        out += bytes[sources[sources.count - 1].upperBound..<content.upperBound]
        return out + close
    }

    /// The insertion that creates the region at its documented place.
    func creationEdit(_ demonstrations: [Demonstration]) throws(PromptFileError) -> TextEdit {
        let bytes = lines.bytes
        let nl = Array(lineBreak.utf8)
        let regionText = try canonicalRegion(demonstrations)
        if format == .dotprompt {
            let scanner = BodyScanner(bytes: bytes, span: bodyRange.bytes)
            if let tag = scanner.handlebarsTokens().last(where: { $0.kind == .role("user") }) {
                let lineStart = lines.lineStart(of: tag.span.lowerBound)
                let onOwnLine = bytes[lineStart..<tag.span.lowerBound].allSatisfy { $0 == 0x20 || $0 == 0x09 }
                let at = onOwnLine ? lineStart : tag.span.lowerBound
                return TextEdit(range: lines.range(at..<at), newText: String(decoding: regionText + nl, as: UTF8.self))
            }
        }
        var prefix: [UInt8] = []
        let endsWithBreak = bytes.last == 0x0A || bytes.last == 0x0D
        if !bytes.isEmpty, !endsWithBreak { prefix += nl }
        let bodyHasText = bytes[bodyRange.bytes].contains { !isSpace($0) }
        if bodyHasText {
            let tail = bytes + prefix
            let trailingBreaks = tail.reversed().prefix { isSpace($0) }.filter { $0 == 0x0A }.count
            if trailingBreaks < 2 { prefix += nl }
        }
        let end = bytes.count
        return TextEdit(range: lines.range(end..<end), newText: String(decoding: prefix + regionText + nl, as: UTF8.self))
    }

    /// One edit replacing `span` by `new`, shrunk to the part that differs (on UTF-8 boundaries).
    func minimalEdits(replacing span: Range<Int>, with new: [UInt8]) -> [TextEdit] {
        let old = lines.bytes[span]
        if old.elementsEqual(new) { return [] }
        let oldBase = span.lowerBound
        var prefix = 0
        let limit = min(old.count, new.count)
        while prefix < limit, lines.bytes[oldBase + prefix] == new[prefix] { prefix += 1 }
        while prefix > 0, prefix < old.count, lines.bytes[oldBase + prefix] & 0xC0 == 0x80 { prefix -= 1 }
        var suffix = 0
        while suffix < limit - prefix, lines.bytes[span.upperBound - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        while suffix > 0, span.upperBound - suffix < lines.bytes.count, lines.bytes[span.upperBound - suffix] & 0xC0 == 0x80 { suffix -= 1 }
        let range = lines.range(oldBase + prefix..<span.upperBound - suffix)
        return [TextEdit(range: range, newText: String(decoding: new[prefix..<new.count - suffix], as: UTF8.self))]
    }

    // MARK: Checking

    /// The demonstration with leading blank lines and trailing whitespace removed: what the
    /// parser reads back after VSynth writes it.
    public static func normalized(_ demonstration: Demonstration) -> Demonstration {
        Demonstration(input: normalizedTurnText(demonstration.input), output: normalizedTurnText(demonstration.output))
    }

    /// Throws if a (normalized) demonstration written in canonical form would not read back
    /// unchanged, or would change the region's structure.
    public func checkRepresentable(_ normalized: Demonstration, index: Int) throws(PromptFileError) {
        if format == .dotprompt, (normalized.input + normalized.output).contains("{{") {
            throw .unrepresentableDemonstration(index: index, reason: "contains '{{', which Handlebars would expand")
        }
        // Parse it back inside a two-demonstration region: it must come out unchanged and must
        // not swallow its neighbour (e.g. an unclosed code fence in Markdown).
        let probe = Demonstration(input: "probe", output: "probe")
        let nl = "\n"
        let text = format.openMarker + nl + String(decoding: canonicalLF(normalized), as: UTF8.self) + nl + nl
            + String(decoding: canonicalLF(probe), as: UTF8.self) + nl + format.closeMarker + nl
        let check = PromptDocument(text: text, format: format)
        guard !check.hasErrors, check.demonstrationPairs == [normalized, probe] else {
            let reason = check.errors.first.map { "would not read back (\($0.message))" }
                ?? "would not read back unchanged (does its text contain a turn heading or a region marker?)"
            throw .unrepresentableDemonstration(index: index, reason: reason)
        }
    }

    func canonicalLF(_ demonstration: Demonstration) -> [UInt8] {
        switch format {
        case .dotprompt:
            return Array((format.userTag + "\n" + demonstration.input + "\n" + format.modelTag + "\n" + demonstration.output).utf8)
        case .markdown:
            return Array((format.userTag + "\n\n" + demonstration.input + "\n\n" + format.modelTag + "\n\n" + demonstration.output).utf8)
        }
    }

    /// A turn's text as the parser reads it: no leading blank lines, no trailing whitespace.
    public static func normalizedTurnText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var start = 0
        var afterBreak: Int?
        while start < bytes.count, space(bytes[start]) {
            if bytes[start] == 0x0A || (bytes[start] == 0x0D && (start + 1 >= bytes.count || bytes[start + 1] != 0x0A)) {
                afterBreak = start + 1
            }
            start += 1
        }
        if start == bytes.count { return "" }
        let from = afterBreak ?? 0
        var end = bytes.count
        while end > from, space(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[from..<end], as: UTF8.self)
    }
}
