/// Double-quoted scalars: every YAML escape, escaped line breaks, folding.
extension YAMLParser {
    /// A double-quoted scalar from `pos` (at the quote). Continuation lines must be indented at
    /// least `minIndent`, else the quote is reported unterminated at its opening.
    mutating func parseDoubleQuoted(minIndent: Int) throws(PromptFileError) -> String {
        let open = pos
        pos += 1
        var out: [UInt8] = []
        var pending: [UInt8] = []
        while true {
            guard let b = byte(pos) else { throw .yamlUnterminated(what: "double-quoted string", at: range(at: open)) }
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                out += pending
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                out += pending
                pending = []
                try parseEscape(into: &out, open: open, minIndent: minIndent)
            case 0x0A, 0x0D:
                pending = []
                try foldQuotedBreak(into: &out, open: open, minIndent: minIndent, what: "double-quoted string")
            case 0x20, 0x09:
                pending.append(b)
                pos += 1
            default:
                out += pending
                pending = []
                out.append(b)
                pos += 1
            }
        }
    }

    /// One escape sequence at `pos` (at the backslash).
    mutating func parseEscape(into out: inout [UInt8], open: Int, minIndent: Int) throws(PromptFileError) {
        let start = pos
        pos += 1
        guard let e = byte(pos) else { throw .yamlUnterminated(what: "double-quoted string", at: range(at: open)) }
        pos += 1
        let simple: UInt32?
        switch e {
        case UInt8(ascii: "0"): simple = 0
        case UInt8(ascii: "a"): simple = 0x07
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"), 0x09: simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "v"): simple = 0x0B
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "e"): simple = 0x1B
        case UInt8(ascii: " "): simple = 0x20
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "N"): simple = 0x85
        case UInt8(ascii: "_"): simple = 0xA0
        case UInt8(ascii: "L"): simple = 0x2028
        case UInt8(ascii: "P"): simple = 0x2029
        case 0x0A, 0x0D:
            // An escaped line break joins the lines: no space, leading blanks of the next line dropped.
            // Empty lines after it still count, one newline each.
            pos -= 1
            consumeBreak()
            while true {
                let lineStart = pos
                while let c = byte(pos), isBlank(c) { pos += 1 }
                guard let c = byte(pos) else { return }
                if isBreak(c) {
                    out.append(0x0A)
                    consumeBreak()
                    continue
                }
                if pos - lineStart < minIndent || (pos == lineStart && isDocumentMarker(at: pos)) {
                    throw .yamlUnterminated(what: "double-quoted string" + Self.indentHint, at: range(at: open))
                }
                return
            }
        case UInt8(ascii: "x"): simple = try hexEscape(digits: 2, start: start)
        case UInt8(ascii: "u"):
            var value = try hexEscape(digits: 4, start: start)
            if (0xD800...0xDBFF).contains(value) {
                // A UTF-16 surrogate pair written as two \u escapes.
                guard byte(pos) == UInt8(ascii: "\\"), byte(pos + 1) == UInt8(ascii: "u") else {
                    throw .yamlInvalidEscape(escapeText(start..<pos), at: lines.range(start..<pos))
                }
                pos += 2
                let low = try hexEscape(digits: 4, start: start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw .yamlInvalidEscape(escapeText(start..<pos), at: lines.range(start..<pos))
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            simple = value
        case UInt8(ascii: "U"): simple = try hexEscape(digits: 8, start: start)
        default: simple = nil
        }
        guard let code = simple, let scalar = Unicode.Scalar(code) else {
            let stop = e < 0x80 ? pos : min(pos - 1 + utf8Length(e), end)
            throw .yamlInvalidEscape(escapeText(start..<stop), at: lines.range(start..<stop))
        }
        out += Array(String(Character(scalar)).utf8)
    }

    /// `digits` hex digits at `pos`, as a code point.
    mutating func hexEscape(digits: Int, start: Int) throws(PromptFileError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let b = byte(pos), let digit = hexValue(b) else {
                let stop = min(pos + 1, end)
                throw .yamlInvalidEscape(escapeText(start..<stop), at: lines.range(start..<stop))
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    func utf8Length(_ lead: UInt8) -> Int { lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4 }

    func escapeText(_ span: Range<Int>) -> String {
        String(decoding: bytes[span.clamped(to: 0..<end)], as: UTF8.self)
    }
}
