/// Flow collections: `[a, b]` and `{k: v}`, nested, over several lines, with comments.
extension YAMLParser {
    /// A flow node at `pos` after optional whitespace: collection, quoted or plain scalar.
    mutating func parseFlowNode(minIndent: Int) throws(PromptFileError) -> YAMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .yamlSyntax("nesting deeper than \(Self.maxDepth) levels", at: here()) }
        try skipFlowSpace(minIndent: minIndent)
        guard let first = byte(pos) else { throw .yamlSyntax("expected a value in the flow collection", at: here()) }
        try rejectIndicator(first)
        let start = pos
        switch first {
        case UInt8(ascii: "["): return try parseFlowSequence(minIndent: minIndent)
        case UInt8(ascii: "{"): return try parseFlowMapping(minIndent: minIndent)
        case UInt8(ascii: "\""):
            let text = try parseDoubleQuoted(minIndent: minIndent)
            return YAMLNode(.string(text), range: lines.range(start..<pos))
        case UInt8(ascii: "'"):
            let text = try parseSingleQuoted(minIndent: minIndent)
            return YAMLNode(.string(text), range: lines.range(start..<pos))
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            throw .yamlSyntax("block scalars are not allowed inside flow collections", at: here())
        case UInt8(ascii: "-") where isBlankOrEnd(pos + 1):
            throw .yamlSyntax("block sequence items are not allowed inside flow collections", at: here())
        default:
            return try parseFlowPlain(minIndent: minIndent)
        }
    }

    mutating func parseFlowSequence(minIndent: Int) throws(PromptFileError) -> YAMLNode {
        let open = pos
        pos += 1
        var items: [YAMLNode] = []
        while true {
            try skipFlowSpace(minIndent: minIndent, open: open, what: "flow sequence (missing ']')")
            guard let b = byte(pos) else { throw .yamlUnterminated(what: "flow sequence (missing ']')", at: range(at: open)) }
            if b == UInt8(ascii: "]") { pos += 1; break }
            var item = try parseFlowNode(minIndent: minIndent)
            try skipFlowSpace(minIndent: minIndent, open: open, what: "flow sequence (missing ']')")
            if byte(pos) == UInt8(ascii: ":") {
                // A single-pair mapping `[key: value]`.
                guard case .string(let key) = item.value else {
                    throw .yamlUnsupported("non-string keys in flow pairs", at: item.range)
                }
                pos += 1
                try skipFlowSpace(minIndent: minIndent, open: open, what: "flow sequence (missing ']')")
                let value: YAMLNode
                if let c = byte(pos), c == UInt8(ascii: ",") || c == UInt8(ascii: "]") {
                    value = YAMLNode(.null, range: lines.range(pos..<pos))
                } else {
                    value = try parseFlowNode(minIndent: minIndent)
                }
                item = YAMLNode(.mapping([YAMLEntry(key: key, keyRange: item.range, value: value)]),
                                range: lines.range(item.range.start.offset..<value.range.end.offset))
                try skipFlowSpace(minIndent: minIndent, open: open, what: "flow sequence (missing ']')")
            }
            items.append(item)
            guard let c = byte(pos) else { throw .yamlUnterminated(what: "flow sequence (missing ']')", at: range(at: open)) }
            if c == UInt8(ascii: ",") { pos += 1; continue }
            if c == UInt8(ascii: "]") { pos += 1; break }
            throw .yamlSyntax("expected ',' or ']' in the flow sequence", at: here())
        }
        return YAMLNode(.sequence(items), range: lines.range(open..<pos))
    }

    mutating func parseFlowMapping(minIndent: Int) throws(PromptFileError) -> YAMLNode {
        let open = pos
        pos += 1
        var entries: [YAMLEntry] = []
        var seen: [String: SourceRange] = [:]
        while true {
            try skipFlowSpace(minIndent: minIndent, open: open, what: "flow mapping (missing '}')")
            guard let b = byte(pos) else { throw .yamlUnterminated(what: "flow mapping (missing '}')", at: range(at: open)) }
            if b == UInt8(ascii: "}") { pos += 1; break }
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                throw .yamlUnsupported("flow collections as mapping keys", at: here())
            }
            let key = try parseFlowNode(minIndent: minIndent)
            let keyText: String
            switch key.value {
            case .string(let text): keyText = text
            default: keyText = String(decoding: bytes[key.range.bytes], as: UTF8.self)
            }
            if let first = seen[keyText] { throw .yamlDuplicateKey(keyText, at: key.range, first: first) }
            seen[keyText] = key.range
            try skipFlowSpace(minIndent: minIndent, open: open, what: "flow mapping (missing '}')")
            var value = YAMLNode(.null, range: lines.range(pos..<pos))
            if byte(pos) == UInt8(ascii: ":") {
                pos += 1
                try skipFlowSpace(minIndent: minIndent, open: open, what: "flow mapping (missing '}')")
                if let c = byte(pos), c != UInt8(ascii: ","), c != UInt8(ascii: "}") {
                    value = try parseFlowNode(minIndent: minIndent)
                    try skipFlowSpace(minIndent: minIndent, open: open, what: "flow mapping (missing '}')")
                }
            }
            entries.append(YAMLEntry(key: keyText, keyRange: key.range, value: value))
            guard let c = byte(pos) else { throw .yamlUnterminated(what: "flow mapping (missing '}')", at: range(at: open)) }
            if c == UInt8(ascii: ",") { pos += 1; continue }
            if c == UInt8(ascii: "}") { pos += 1; break }
            throw .yamlSyntax("expected ',' or '}' in the flow mapping", at: here())
        }
        return YAMLNode(.mapping(entries), range: lines.range(open..<pos))
    }

    /// A plain scalar inside a flow collection: ends at `,` `[` `]` `{` `}`, at `: `, at ` #`, or
    /// at a line break (multi-line plain scalars in flow are folded).
    mutating func parseFlowPlain(minIndent: Int) throws(PromptFileError) -> YAMLNode {
        let start = pos
        var text: [UInt8] = []
        var last = pos
        var multiline = false
        var blankLines = 0
        while true {
            let lineStart = pos
            while let b = byte(pos), !isBreak(b) {
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
                    || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") { break }
                if b == UInt8(ascii: ":") {
                    let next = byte(pos + 1)
                    if next == nil || isBlankOrEnd(pos + 1) || next == UInt8(ascii: ",") || next == UInt8(ascii: "]")
                        || next == UInt8(ascii: "}") || next == UInt8(ascii: "[") || next == UInt8(ascii: "{") { break }
                }
                if b == UInt8(ascii: "#"), pos > lineStart, isBlank(bytes[pos - 1]) { break }
                pos += 1
            }
            var lineEnd = pos
            while lineEnd > lineStart, isBlank(bytes[lineEnd - 1]) { lineEnd -= 1 }
            if lineEnd > lineStart {
                if !text.isEmpty {
                    // Folding: one line break is a space, each further (empty) line a newline.
                    text += blankLines == 0 ? [0x20] : [UInt8](repeating: 0x0A, count: blankLines)
                }
                text += bytes[lineStart..<lineEnd]
                last = lineEnd
            }
            guard let b = byte(pos), isBreak(b) else { break }
            // Continue on the next line unless it starts with an indicator that ends the scalar.
            let save = pos
            try skipFlowSpace(minIndent: minIndent)
            blankLines = max(0, lines.line(of: pos) - lines.line(of: save) - 1)
            guard let c = byte(pos), c != UInt8(ascii: ","), c != UInt8(ascii: "]"), c != UInt8(ascii: "}"),
                  c != UInt8(ascii: ":"), c != UInt8(ascii: "["), c != UInt8(ascii: "{"), lines.line(of: save) != lines.line(of: pos) else {
                break
            }
            if bytes[save..<pos].contains(UInt8(ascii: "#")) { pos = save; break }
            multiline = true
        }
        guard last > start else { throw .yamlSyntax("expected a value in the flow collection", at: range(at: start)) }
        let range = lines.range(start..<last)
        return YAMLNode(try resolvePlain(String(decoding: text, as: UTF8.self), range: range, multiline: multiline), range: range)
    }

    /// `#` starts a comment after whitespace or, as in libyaml and PyYAML, right after `,` `[` `{`.
    func startsFlowComment(at index: Int) -> Bool {
        guard index > 0, let before = byte(index - 1) else { return true }
        return isBlank(before) || isBreak(before) || before == UInt8(ascii: ",")
            || before == UInt8(ascii: "[") || before == UInt8(ascii: "{")
    }

    /// Skips spaces, tabs, line breaks and comments inside a flow collection. Lines must stay
    /// indented at least `minIndent`; an `open` bracket is reported unterminated otherwise.
    mutating func skipFlowSpace(minIndent: Int, open: Int? = nil, what: String = "flow collection") throws(PromptFileError) {
        while let b = byte(pos) {
            if isBlank(b) { pos += 1; continue }
            if b == UInt8(ascii: "#"), startsFlowComment(at: pos) {
                while let c = byte(pos), !isBreak(c) { pos += 1 }
                continue
            }
            if isBreak(b) {
                consumeBreak()
                let lineStart = pos
                while let c = byte(pos), isBlank(c) { pos += 1 }
                if let c = byte(pos), !isBreak(c), c != UInt8(ascii: "]"), c != UInt8(ascii: "}"),
                   pos - lineStart < minIndent || (pos == lineStart && isDocumentMarker(at: pos)) {
                    throw .yamlUnterminated(what: what + Self.indentHint, at: range(at: open ?? lineStart))
                }
                continue
            }
            return
        }
    }
}
