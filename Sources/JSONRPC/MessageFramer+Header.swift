extension MessageFramer {
    /// Reads the next header line of the frame starting at `start`, or finishes the header at its
    /// blank line.
    mutating func readHeaderLine(start: Int, line: Int, contentLength: Int?) -> Step {
        guard let newline = firstNewline(from: line) else {
            if end - start > Self.maximumHeaderSize {
                return fail(.headerTooLong(limit: Self.maximumHeaderSize, streamOffset: start), headerStart: start)
            }
            return .needMoreBytes
        }
        let afterLine = newline + 1
        if afterLine - start > Self.maximumHeaderSize {
            return fail(.headerTooLong(limit: Self.maximumHeaderSize, streamOffset: start), headerStart: start)
        }
        let hasCR = newline > line && byte(at: newline - 1) == 0x0d
        let contentEnd = hasCR ? newline - 1 : newline
        if contentEnd == line {
            if line == start {
                // Blank lines between frames are tolerated.
                state = .header(start: afterLine, line: afterLine, contentLength: nil)
                return .continue
            }
            guard hasCR else { return fail(.malformedHeader(line: "", streamOffset: line), headerStart: start) }
            guard let length = contentLength else {
                return fail(.missingContentLength(streamOffset: start), headerStart: start)
            }
            if length > maximumMessageSize {
                state = .skipping(end: afterLine + length, declared: length, headerStart: start, scanned: afterLine)
                return .event(.problem(.messageTooLarge(length: length, limit: maximumMessageSize, streamOffset: start)))
            }
            state = .body(headerStart: start, bodyStart: afterLine, length: length, scanned: afterLine)
            return .continue
        }
        let text = lineText(line, contentEnd)
        // A header signature inside the line means the line is the tail of something broken
        // followed by a real header: resynchronize onto that header.
        if case .found = findSignature(from: line + 1, before: contentEnd) {
            return fail(.malformedHeader(line: text, streamOffset: line), headerStart: start)
        }
        guard hasCR, let colon = firstColon(from: line, before: contentEnd), isToken(from: line, before: colon) else {
            return fail(.malformedHeader(line: text, streamOffset: line), headerStart: start)
        }
        let name = String(decoding: buffer[(line - bufferBase)..<(colon - bufferBase)], as: UTF8.self).lowercased()
        let value = trimmed(lineText(colon + 1, contentEnd))
        var length = contentLength
        switch name {
        case "content-length":
            guard let parsed = Self.parseLength(value) else {
                return fail(.invalidContentLength(value, streamOffset: line), headerStart: start)
            }
            if let earlier = contentLength, earlier != parsed {
                // Two lengths: most likely a broken frame followed by a new one. Start over here.
                state = .resyncing(scanned: line)
                return .event(.problem(.invalidContentLength(value, streamOffset: line)))
            }
            length = parsed
        case "content-type":
            guard Self.isUTF8ContentType(value) else {
                return fail(.unsupportedContentType(value, streamOffset: line), headerStart: start)
            }
        default:
            break  // Other headers carry nothing the protocol needs.
        }
        state = .header(start: start, line: afterLine, contentLength: length)
        return .continue
    }

    /// A decimal length of 1 to 18 digits (so that it cannot overflow), nothing else.
    static func parseLength(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard (1...18).contains(utf8.count), utf8.allSatisfy({ $0 &- 48 < 10 }) else { return nil }
        return Int(text)
    }

    /// Whether a `Content-Type` value names UTF-8 or no charset (LSP's default is UTF-8).
    static func isUTF8ContentType(_ value: String) -> Bool {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = String(pair[0]).lowercased().trimmingSpaces()
            guard key == "charset" else { continue }
            var charset = String(pair[1]).trimmingSpaces().lowercased()
            if charset.hasPrefix("\""), charset.hasSuffix("\""), charset.count >= 2 {
                charset = String(charset.dropFirst().dropLast())
            }
            return charset == "utf-8" || charset == "utf8"
        }
        return true
    }

    // MARK: - Bytes

    private func firstNewline(from offset: Int) -> Int? {
        var i = offset
        while i < end {
            if byte(at: i) == 0x0a { return i }
            i += 1
        }
        return nil
    }

    private func firstColon(from offset: Int, before limit: Int) -> Int? {
        var i = offset
        while i < limit {
            if byte(at: i) == UInt8(ascii: ":") { return i }
            i += 1
        }
        return nil
    }

    /// Whether `[from, before)` is a non-empty HTTP token (the allowed characters of a header name).
    private func isToken(from offset: Int, before limit: Int) -> Bool {
        guard offset < limit else { return false }
        for i in offset..<limit {
            let b = byte(at: i)
            let isAlnum = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a)
            if !isAlnum && !"!#$%&'*+-.^_`|~".utf8.contains(b) { return false }
        }
        return true
    }

    /// The bytes `[from, to)` as text for messages, cut to 80 bytes, invalid UTF-8 replaced.
    private func lineText(_ from: Int, _ to: Int) -> String {
        let cut = min(to, from + 80)
        let text = String(decoding: buffer[(from - bufferBase)..<(cut - bufferBase)], as: UTF8.self)
        return cut < to ? text + "…" : text
    }

    private func trimmed(_ text: String) -> String { text.trimmingSpaces() }

    // MARK: - Resynchronization

    /// The result of looking for a header signature.
    enum SignatureSearch {
        /// A signature starts at this stream offset.
        case found(Int)
        /// None starts before the limit, or the bytes ran out while one was possible; scanning
        /// should resume at this offset when more bytes arrive.
        case notFound(resumeAt: Int)
    }

    /// Looks for a header signature starting in `[from, limit)`, using buffered bytes past the
    /// limit to decide one that starts before it.
    func findSignature(from offset: Int, before limit: Int) -> SignatureSearch {
        var i = max(offset, bufferBase)
        while i < limit {
            // Find the next 'c' or 'C' with a tight loop over the buffer, then try a match there.
            let candidate: Int? = buffer.withUnsafeBufferPointer { bytes in
                var k = i - bufferBase
                let stop = limit - bufferBase
                while k < stop {
                    if bytes[k] | 0x20 == UInt8(ascii: "c") { return k + bufferBase }
                    k += 1
                }
                return nil
            }
            guard let at = candidate else { break }
            switch matchSignature(at: at) {
            case .match: return .found(at)
            case .needMoreBytes: return .notFound(resumeAt: at)
            case .noMatch: i = at + 1
            }
        }
        return .notFound(resumeAt: max(limit, offset))
    }

    private enum SignatureMatch { case match, noMatch, needMoreBytes }

    /// Matches `content-length:` (any case), up to 8 spaces or tabs, 1 to 19 digits, up to 8 spaces
    /// or tabs, and `\r` at stream offset `at`.
    private func matchSignature(at offset: Int) -> SignatureMatch {
        var i = offset
        for expected in HeaderSignature.name {
            guard i < end else { return .needMoreBytes }
            let b = byte(at: i)
            let lowered = (b >= 0x41 && b <= 0x5a) ? b | 0x20 : b
            guard lowered == expected else { return .noMatch }
            i += 1
        }
        if let early = skipBlanks(&i) { return early }
        var digits = 0
        while true {
            guard i < end else { return .needMoreBytes }
            guard byte(at: i) &- 48 < 10 else { break }
            digits += 1
            if digits > 19 { return .noMatch }
            i += 1
        }
        guard digits > 0 else { return .noMatch }
        if let early = skipBlanks(&i) { return early }
        return byte(at: i) == 0x0d ? .match : .noMatch
    }

    /// Moves `i` past up to 8 spaces or tabs; nil when a byte that is neither follows, else the
    /// signature's fate (more than 8: no match; the bytes ran out: need more).
    private func skipBlanks(_ i: inout Int) -> SignatureMatch? {
        var spaces = 0
        while true {
            guard i < end else { return .needMoreBytes }
            let b = byte(at: i)
            guard b == 0x20 || b == 0x09 else { return nil }
            spaces += 1
            if spaces > 8 { return .noMatch }
            i += 1
        }
    }
}

/// The start of a frame's header, as the framer looks for it when resynchronizing.
enum HeaderSignature {
    /// `content-length:` in lowercase ASCII.
    static let name: [UInt8] = Array("content-length:".utf8)
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(self[first...last])
    }
}
