import Support

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Strict means: exactly one value with only JSON whitespace around it; no comments, trailing
/// commas, single quotes, `NaN` or leading `+`; well-formed UTF-8 (no overlong forms, no encoded
/// surrogates, nothing above U+10FFFF); escapes as JSON defines them with surrogate pairs matched;
/// no duplicate keys in an object; nesting bounded by `maximumDepth` so that hostile input cannot
/// exhaust the stack. Every error is a `JSONRPCError` carrying the byte offset of the problem.
///
/// Integers without fraction or exponent that fit in `Int64` become `.integer`; other numbers become
/// `.double`, and a number too large for a finite double is an error.
public struct JSONParser {
    /// The default nesting limit: far beyond any LSP message, far below stack exhaustion.
    public static let defaultMaximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let maximumDepth: Int

    private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Parses `bytes` as one JSON text. Throws `JSONRPCError` naming the byte offset of a problem.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>,
                             maximumDepth: Int = defaultMaximumDepth) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count { throw JSONRPCError.trailingCharacters(offset: parser.index) }
        return value
    }

    /// Parses `bytes` as one JSON text.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0, maximumDepth: maximumDepth) }
    }

    /// Parses the UTF-8 of `text` as one JSON text.
    public static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    // MARK: - Values

    private mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: "a value", offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw unexpected(expected: "a value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        for byte in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard index < bytes.count else {
                throw JSONRPCError.unexpectedEnd(expected: "\(literal)", offset: index)
            }
            guard bytes[index] == byte else { throw unexpected(expected: "\(literal)") }
            index += 1
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enterContainer()
        index += 1  // [
        var elements: [JSONValue] = []
        if closesEmpty(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue())
        } while try !closesAfterMember(UInt8(ascii: "]"), expected: "',' or ']'")
        return .array(elements)
    }

    private mutating func parseObject() throws -> JSONValue {
        try enterContainer()
        index += 1  // {
        var members: [String: JSONValue] = [:]
        if closesEmpty(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipWhitespace()
            guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: "a key string", offset: index) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected(expected: "a key string") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: "':'", offset: index) }
            guard bytes[index] == UInt8(ascii: ":") else { throw unexpected(expected: "':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if members.updateValue(value, forKey: key) != nil {
                throw JSONRPCError.duplicateKey(key, offset: keyOffset)
            }
        } while try !closesAfterMember(UInt8(ascii: "}"), expected: "',' or '}'")
        return .object(members)
    }

    /// Right after the opening bracket: leaves the container and returns true when `closer` follows.
    private mutating func closesEmpty(_ closer: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closer else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After an element or member: false past a `,` (another follows), true past `closer` (the
    /// container is left); anything else is an error expecting `expected`.
    private mutating func closesAfterMember(_ closer: UInt8, expected: String) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: expected, offset: index) }
        switch bytes[index] {
        case UInt8(ascii: ","):
            index += 1
            return false
        case closer:
            index += 1
            depth -= 1
            return true
        default: throw unexpected(expected: expected)
        }
    }

    private mutating func enterContainer() throws {
        depth += 1
        if depth > maximumDepth { throw JSONRPCError.nestingTooDeep(limit: maximumDepth, offset: index) }
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw JSONRPCError.invalidNumber(offset: start) }
        // Accumulate as a negative number so that Int64.min is representable.
        var accumulated: Int64 = 0
        var fitsInteger = true
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw JSONRPCError.invalidNumber(offset: start) }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if fitsInteger {
                    let (times10, o1) = accumulated.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.subtractingReportingOverflow(Int64(bytes[index] &- 48))
                    if o1 || o2 { fitsInteger = false } else { accumulated = next }
                }
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw JSONRPCError.invalidNumber(offset: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw JSONRPCError.invalidNumber(offset: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger && fitsInteger {
            if negative { return .integer(accumulated) }
            if accumulated != Int64.min { return .integer(-accumulated) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw JSONRPCError.invalidNumber(offset: start) }
        return .double(value)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    // MARK: - Strings

    /// Parses a string starting at its opening quote; validates UTF-8 as it goes.
    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the string is a slice of the input.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONRPCError.unescapedControlCharacter(byte, offset: index) }
            if byte < 0x80 { index += 1 } else { try skipMultibyteScalar() }
        }
        guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: "'\"'", offset: index) }
        // Slow path: copy what was scanned, then decode escapes.
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw JSONRPCError.unescapedControlCharacter(byte, offset: index)
            case 0x20..<0x80:
                // Copy the whole run of plain ASCII at once.
                let runStart = index
                index += 1
                while index < bytes.count {
                    let next = bytes[index]
                    if next < 0x20 || next >= 0x80 || next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") { break }
                    index += 1
                }
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            default:
                let scalarStart = index
                try skipMultibyteScalar()
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[scalarStart..<index]))
            }
        }
        throw JSONRPCError.unexpectedEnd(expected: "'\"'", offset: index)
    }

    /// Decodes one escape sequence at `index` (a backslash) and appends its UTF-8.
    private mutating func parseEscape(into utf8: inout [UInt8]) throws {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw JSONRPCError.unexpectedEnd(expected: "an escape", offset: index) }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(code)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0c)
        case UInt8(ascii: "n"): utf8.append(0x0a)
        case UInt8(ascii: "r"): utf8.append(0x0d)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4(escapeStart: escapeStart))
            if (0xDC00...0xDFFF).contains(scalar) { throw JSONRPCError.loneSurrogate(offset: escapeStart) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw JSONRPCError.loneSurrogate(offset: escapeStart) }
                let lowStart = index
                index += 2
                let low = UInt32(try parseHex4(escapeStart: lowStart))
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONRPCError.loneSurrogate(offset: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw JSONRPCError.invalidEscape(offset: escapeStart) }
            utf8.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw JSONRPCError.invalidEscape(offset: escapeStart)
        }
    }

    /// Reads four hex digits after `\u`.
    private mutating func parseHex4(escapeStart: Int) throws -> UInt16 {
        guard index + 4 <= bytes.count else { throw JSONRPCError.invalidEscape(offset: escapeStart) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONRPCError.invalidEscape(offset: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Advances over one well-formed multi-byte UTF-8 scalar at `index` (Unicode Table 3-7), or
    /// throws `invalidUTF8` at its first byte.
    private mutating func skipMultibyteScalar() throws {
        let length = UTF8Validation.scalarLength(bytes, at: index)
        guard length > 0 else { throw JSONRPCError.invalidUTF8(offset: index) }
        index += length
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    /// The error for the byte at `index`: invalid UTF-8 where it is a broken sequence, otherwise an
    /// unexpected byte.
    private func unexpected(expected: String) -> JSONRPCError {
        let byte = bytes[index]
        if byte >= 0x80 && UTF8Validation.scalarLength(bytes, at: index) == 0 {
            return .invalidUTF8(offset: index)
        }
        return .unexpectedByte(byte, expected: expected, offset: index)
    }
}
