/// Plain and quoted scalars, and the core-schema resolution of plain scalars.
extension YAMLParser {
    /// A plain scalar in block context, possibly continued on more-indented lines (folded).
    mutating func parsePlainBlock(parent: Int) throws(PromptFileError) -> YAMLNode {
        let start = pos
        var text: [UInt8] = []
        var last = pos
        var line = try plainLine()
        text += line.text
        last = line.end
        while !line.hadComment {
            // Look ahead: blank lines, then a more-indented content line continues the scalar.
            let save = pos
            var blanks = 0
            var index = pos
            var continues = false
            while index < end {
                var scan = index
                while let b = byte(scan), isBlank(b) { scan += 1 }
                guard let b = byte(scan) else { break }
                if isBreak(b) {
                    blanks += 1
                    index = scan + (b == 0x0D && byte(scan + 1) == 0x0A ? 2 : 1)
                    continue
                }
                let indent = scan - index
                if b != UInt8(ascii: "#"), indent > parent, !bytes[index..<scan].contains(0x09) {
                    continues = true
                    pos = scan
                }
                break
            }
            guard continues else { pos = save; break }
            if column(pos) == 0 { try rejectDocumentMarker() }
            line = try plainLine()
            text += blanks == 0 ? [0x20] : [UInt8](repeating: 0x0A, count: blanks)
            text += line.text
            last = line.end
        }
        let range = lines.range(start..<last)
        let string = String(decoding: text, as: UTF8.self)
        return YAMLNode(try resolvePlain(string, range: range, multiline: lines.line(of: last) != lines.line(of: start)), range: range)
    }

    /// Reads one line of a plain scalar from `pos`; consumes the rest of the line and its break.
    mutating func plainLine() throws(PromptFileError) -> (text: [UInt8], end: Int, hadComment: Bool) {
        let start = pos
        var hadComment = false
        while let b = byte(pos), !isBreak(b) {
            if b == UInt8(ascii: ":"), isBlankOrEnd(pos + 1) {
                throw .yamlSyntax("a mapping value is not allowed here (quote the text if ': ' belongs to it)", at: here())
            }
            if b == UInt8(ascii: "#"), pos > start, isBlank(bytes[pos - 1]) { hadComment = true; break }
            pos += 1
        }
        var textEnd = pos
        while textEnd > start, isBlank(bytes[textEnd - 1]) { textEnd -= 1 }
        let text = Array(bytes[start..<textEnd])
        try expectLineEnd()
        return (text, textEnd, hadComment)
    }

    /// Resolves a plain scalar by the YAML 1.2 core schema: null, booleans, integers (decimal,
    /// `0x`, `0o`), floats (including `.inf`, `.nan`), else a string.
    func resolvePlain(_ text: String, range: SourceRange, multiline: Bool) throws(PromptFileError) -> YAMLValue {
        if multiline { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let scalars = Array(text.utf8)
        if scalars.count > 2, scalars[0] == UInt8(ascii: "0"), scalars[1] == UInt8(ascii: "x") || scalars[1] == UInt8(ascii: "o") {
            let radix = scalars[1] == UInt8(ascii: "x") ? 16 : 8
            let digits = String(decoding: scalars[2...], as: UTF8.self)
            guard digits.allSatisfy({ $0.isHexDigit && Int(String($0), radix: radix) != nil }) else { return .string(text) }
            guard let value = Int(digits, radix: radix) else { throw .yamlNumberOutOfRange(text, at: range) }
            return .int(value)
        }
        if isDecimalInteger(scalars) {
            guard let value = Int(text) else { throw .yamlNumberOutOfRange(text, at: range) }
            return .int(value)
        }
        if isFloat(scalars) {
            guard let value = Double(text), value.isFinite else { throw .yamlNumberOutOfRange(text, at: range) }
            return .double(value)
        }
        return .string(text)
    }

    /// `[-+]?[0-9]+`
    func isDecimalInteger(_ s: [UInt8]) -> Bool {
        var index = 0
        if let first = s.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { index = 1 }
        guard index < s.count else { return false }
        return s[index...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    func isFloat(_ s: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let from = index
            while index < s.count, s[index] >= 0x30, s[index] <= 0x39 { index += 1 }
            return index - from
        }
        if index < s.count, s[index] == UInt8(ascii: "-") || s[index] == UInt8(ascii: "+") { index += 1 }
        let whole = digits()
        var fraction = 0
        if index < s.count, s[index] == UInt8(ascii: ".") {
            index += 1
            fraction = digits()
        }
        guard whole > 0 || fraction > 0 else { return false }
        if index < s.count, s[index] == UInt8(ascii: "e") || s[index] == UInt8(ascii: "E") {
            index += 1
            if index < s.count, s[index] == UInt8(ascii: "-") || s[index] == UInt8(ascii: "+") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == s.count
    }

    /// A single-quoted scalar from `pos` (at the quote): `''` is a quote; line breaks fold.
    /// Continuation lines must be indented at least `minIndent`, else the quote is unterminated.
    mutating func parseSingleQuoted(minIndent: Int) throws(PromptFileError) -> String {
        let open = pos
        pos += 1
        var out: [UInt8] = []
        var pending: [UInt8] = []
        while true {
            guard let b = byte(pos) else { throw .yamlUnterminated(what: "single-quoted string", at: range(at: open)) }
            if b == UInt8(ascii: "'") {
                if byte(pos + 1) == UInt8(ascii: "'") {
                    out += pending; pending = []
                    out.append(b)
                    pos += 2
                    continue
                }
                pos += 1
                out += pending
                return String(decoding: out, as: UTF8.self)
            }
            if isBreak(b) {
                pending = []
                try foldQuotedBreak(into: &out, open: open, minIndent: minIndent, what: "single-quoted string")
                continue
            }
            if isBlank(b) { pending.append(b) } else { out += pending; pending = []; out.append(b) }
            pos += 1
        }
    }

    /// Folds the line break at `pos` inside a quoted scalar: one break becomes a space, n+1
    /// breaks become n newlines; leading blanks of the next line are dropped.
    mutating func foldQuotedBreak(into out: inout [UInt8], open: Int, minIndent: Int, what: String) throws(PromptFileError) {
        var breaks = 0
        while let b = byte(pos), isBreak(b) {
            consumeBreak()
            breaks += 1
            let lineStart = pos
            while let c = byte(pos), isBlank(c) { pos += 1 }
            if let c = byte(pos), !isBreak(c) {
                let indent = pos - lineStart
                if indent < minIndent || (indent == 0 && isDocumentMarker(at: pos)) {
                    throw .yamlUnterminated(what: what + Self.indentHint, at: range(at: open))
                }
            }
        }
        if breaks == 1 { out.append(0x20) } else { out += [UInt8](repeating: 0x0A, count: breaks - 1) }
    }

    /// Added to "unterminated" messages raised at a line that is indented too little to continue
    /// the value: either the closing character is missing or that line needs more indentation.
    static let indentHint = " (or a continuation line is not indented more than its parent)"

    func isDocumentMarker(at index: Int) -> Bool {
        for marker in [UInt8(ascii: "-"), UInt8(ascii: ".")] {
            if byte(index) == marker, byte(index + 1) == marker, byte(index + 2) == marker, isBlankOrEnd(index + 3) { return true }
        }
        return false
    }
}
