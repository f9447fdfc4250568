/// Literal (`|`) and folded (`>`) block scalars with chomping (`-`, `+`) and explicit indentation
/// indicators. The line handling follows PyYAML's `scan_block_scalar`, the reference most
/// prompt-file tooling agrees with.
extension YAMLParser {
    enum Chomping { case clip, strip, keep }

    /// Parses a block scalar at `pos` (at `|` or `>`) of a node in a block at column `parent`.
    /// Returns with `pos` at the start of the first line after the scalar.
    mutating func parseBlockScalar(parent: Int) throws(PromptFileError) -> YAMLNode {
        let start = pos
        let folded = bytes[pos] == UInt8(ascii: ">")
        pos += 1
        var chomping = Chomping.clip
        var explicit: Int?
        var sawChomping = false
        while let b = byte(pos), !isBlank(b), !isBreak(b) {
            if (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")), !sawChomping {
                chomping = b == UInt8(ascii: "-") ? .strip : .keep
                sawChomping = true
            } else if b >= UInt8(ascii: "1"), b <= UInt8(ascii: "9"), explicit == nil {
                explicit = Int(b - UInt8(ascii: "0"))
            } else {
                throw .yamlSyntax("invalid block scalar header: expected '-', '+' or an indentation digit 1-9", at: here())
            }
            pos += 1
        }
        try expectLineEnd()
        let base = max(parent, 0)
        var indent: Int
        if let explicit {
            indent = (parent < 0 ? 0 : base) + explicit
        } else {
            indent = try detectBlockIndent(parent: parent)
        }
        indent = max(indent, 1)

        var chunks: [UInt8] = []
        var lineBreak: [UInt8] = []
        var lastContentEnd = pos
        var (breaks, col) = scanBlockBreaks(indent: indent)
        while col == indent, let first = byte(pos) {
            chunks += breaks
            let leadingNonSpace = !isBlank(first)
            let lineStart = pos
            while let b = byte(pos), !isBreak(b) { pos += 1 }
            chunks += bytes[lineStart..<pos]
            lastContentEnd = pos
            lineBreak = byte(pos) == nil ? [] : [0x0A]
            consumeBreak()
            (breaks, col) = scanBlockBreaks(indent: indent)
            if col == indent, let next = byte(pos) {
                if folded, lineBreak == [0x0A], leadingNonSpace, !isBlank(next) {
                    if breaks.isEmpty { chunks.append(0x20) }
                } else {
                    chunks += lineBreak
                }
            } else {
                break
            }
        }
        switch chomping {
        case .strip: break
        case .clip: chunks += lineBreak
        case .keep: chunks += lineBreak + breaks
        }
        // Leave `pos` at the start of the line that ended the scalar.
        pos = pos >= end ? end : lines.lineStart(of: pos)
        let text = String(decoding: chunks, as: UTF8.self)
        return YAMLNode(.string(text), range: lines.range(start..<max(lastContentEnd, start + 1)))
    }

    /// Skips empty lines (up to `indent` spaces and a break) and the indentation of the next line.
    /// Returns one `\n` per empty line and the column reached.
    mutating func scanBlockBreaks(indent: Int) -> ([UInt8], Int) {
        var breaks: [UInt8] = []
        while true {
            let lineStart = lines.lineStart(of: pos)
            while byte(pos) == 0x20, pos - lineStart < indent { pos += 1 }
            guard let b = byte(pos), isBreak(b) else { return (breaks, pos - lineStart) }
            breaks.append(0x0A)
            consumeBreak()
        }
    }

    /// The indentation of a block scalar without an indicator: that of its first non-empty line.
    /// Leading empty lines may not be indented more than it (YAML's rule).
    func detectBlockIndent(parent: Int) throws(PromptFileError) -> Int {
        var index = pos
        var maxEmpty = 0
        while index < end {
            let lineStart = index
            while byte(index) == 0x20 { index += 1 }
            let spaces = index - lineStart
            guard let b = byte(index) else {
                // A last line of only spaces counts as an empty line.
                maxEmpty = max(maxEmpty, spaces)
                break
            }
            if isBreak(b) {
                maxEmpty = max(maxEmpty, spaces)
                index += (b == 0x0D && byte(index + 1) == 0x0A) ? 2 : 1
                continue
            }
            if spaces <= parent { break }
            if b == 0x09, spaces <= parent + 1 {
                throw .yamlTabIndentation(at: lines.range(index..<index + 1))
            }
            if maxEmpty > spaces {
                throw .yamlSyntax("a leading empty line of the block scalar has more spaces than its first line", at: lines.range(lineStart..<index))
            }
            return spaces
        }
        return max(parent + 1, maxEmpty, 1)
    }
}
