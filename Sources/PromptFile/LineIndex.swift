/// Maps byte offsets of a UTF-8 file to lines and columns and back. Built once per parse;
/// lookups are a binary search over the line starts, plus a walk over one line for UTF-16.
public struct LineIndex: Sendable {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D, index + 1 >= count || bytes[index + 1] != 0x0A {
                starts.append(index + 1)
            }
            index += 1
        }
        self.lineStarts = starts
    }

    /// Number of lines (a file ending in a line break has an empty last line).
    public var lineCount: Int { lineStarts.count }

    /// The line holding `offset` (clamped into the file).
    public func line(of offset: Int) -> Int {
        let target = min(max(offset, 0), bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= target { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// First byte of the line holding `offset`.
    public func lineStart(of offset: Int) -> Int { lineStarts[line(of: offset)] }

    /// The position of a byte offset (clamped into `0...bytes.count`). Invalid UTF-8 before the
    /// offset on its line counts one UTF-16 unit per lead byte, so errors can still be placed.
    public func position(at offset: Int) -> SourcePosition {
        let target = min(max(offset, 0), bytes.count)
        let line = line(of: target)
        let start = lineStarts[line]
        var utf16 = 0
        var index = start
        while index < target {
            let byte = bytes[index]
            // Continuation bytes add nothing; 4-byte leads make a surrogate pair.
            if byte < 0x80 || byte >= 0xC0 { utf16 += (0xF0...0xF7).contains(byte) ? 2 : 1 }
            index += 1
        }
        return SourcePosition(offset: target, line: line, utf8Column: target - start, utf16Column: utf16)
    }

    /// The range of a span of byte offsets.
    public func range(_ bytes: Range<Int>) -> SourceRange {
        SourceRange(start: position(at: bytes.lowerBound), end: position(at: bytes.upperBound))
    }

    /// The range from `start` to `end` byte offsets (swapped if reversed).
    public func range(from start: Int, to end: Int) -> SourceRange {
        range(min(start, end)..<max(start, end))
    }

    /// End of a line's content: the offset of its line break, or of the end of the file.
    public func lineContentEnd(_ line: Int) -> Int {
        guard line + 1 < lineStarts.count else { return bytes.count }
        var end = lineStarts[line + 1]
        if end > 0, bytes[end - 1] == 0x0A { end -= 1 }
        if end > lineStarts[line], bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The byte offset of (line, UTF-16 column), or nil if the line does not exist or the column
    /// lies past the line's end or inside a surrogate pair.
    public func offset(line: Int, utf16Column: Int) -> Int? {
        guard line >= 0, line < lineStarts.count, utf16Column >= 0 else { return nil }
        var index = lineStarts[line]
        let end = lineContentEnd(line)
        var units = 0
        while units < utf16Column {
            guard index < end else { return nil }
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            units += length == 4 ? 2 : 1
            index += length
        }
        return units == utf16Column && index <= end ? index : nil
    }

    /// The byte offset of (line, UTF-8 column), or nil if out of the line.
    public func offset(line: Int, utf8Column: Int) -> Int? {
        guard line >= 0, line < lineStarts.count, utf8Column >= 0 else { return nil }
        let offset = lineStarts[line] + utf8Column
        return offset <= lineContentEnd(line) ? offset : nil
    }
}
