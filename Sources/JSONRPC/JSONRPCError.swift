/// Every problem the JSONRPC module reports: malformed bytes, JSON, frames and messages, and the
/// state of a connection.
///
/// Messages are lowercase and name what is wrong and where (a byte offset into the message body or
/// into the stream), so that they can go straight into a log line or a JSON-RPC error reply.
public enum JSONRPCError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: JSON text
    /// The JSON text ended before a value was complete.
    case unexpectedEnd(expected: String, offset: Int)
    /// A byte that cannot start or continue the JSON construct being read.
    case unexpectedByte(UInt8, expected: String, offset: Int)
    /// Bytes that are not well-formed UTF-8 (overlong, surrogate, truncated, or out of range).
    case invalidUTF8(offset: Int)
    /// A raw control character (U+0000–U+001F) inside a string; JSON requires it escaped.
    case unescapedControlCharacter(UInt8, offset: Int)
    /// A backslash escape that JSON does not define, or a malformed `\u` escape.
    case invalidEscape(offset: Int)
    /// A `\uD800`–`\uDFFF` escape that is not part of a well-formed surrogate pair.
    case loneSurrogate(offset: Int)
    /// A number that breaks the JSON number grammar (leading zero, missing digits, ...).
    case invalidNumber(offset: Int)
    /// The same key twice in one object; the meaning of such an object is ambiguous.
    case duplicateKey(String, offset: Int)
    /// Arrays and objects nested deeper than the parser's limit.
    case nestingTooDeep(limit: Int, offset: Int)
    /// Non-whitespace bytes after the one top-level value.
    case trailingCharacters(offset: Int)

    // MARK: Framing
    /// A header line that is not `Name: value` terminated by `\r\n`.
    case malformedHeader(line: String, streamOffset: Int)
    /// A header block that ended without a `Content-Length` header.
    case missingContentLength(streamOffset: Int)
    /// A `Content-Length` value that is not a non-negative decimal integer, or two that disagree.
    case invalidContentLength(String, streamOffset: Int)
    /// A `Content-Type` whose charset is not UTF-8.
    case unsupportedContentType(String, streamOffset: Int)
    /// A header block longer than the framer accepts without a blank line ending it.
    case headerTooLong(limit: Int, streamOffset: Int)
    /// A message whose declared length exceeds the size limit; its bytes were skipped unread.
    case messageTooLarge(length: Int, limit: Int, streamOffset: Int)
    /// A declared length that does not match the bytes: another header starts inside the body.
    case lengthMismatch(declared: Int, nextHeaderAt: Int, streamOffset: Int)
    /// A frame whose body is not valid JSON; `underlying` says what and where inside the body.
    indirect case invalidBody(underlying: JSONRPCError, streamOffset: Int)

    // MARK: Messages
    /// A JSON value that is not a JSON-RPC 2.0 request, notification or response.
    case invalidMessage(String)
    /// A value that could not be decoded into the expected Swift type (a coding path names where).
    case decodingFailed(String)
    /// A value that could not be encoded into JSON.
    case encodingFailed(String)

    // MARK: Connection
    /// The connection is closed; no more messages can be sent or received.
    case connectionClosed
    /// A read or write on a file descriptor failed.
    case io(operation: String, errno: Int32)
    /// A test client waited longer than its timeout for what it expected from the server.
    case timedOut(waitingFor: String, after: Duration)

    public var description: String {
        switch self {
        case .unexpectedEnd(let expected, let offset):
            return "json: unexpected end of input at offset \(offset), expected \(expected)"
        case .unexpectedByte(let byte, let expected, let offset):
            return "json: unexpected \(Self.describe(byte)) at offset \(offset), expected \(expected)"
        case .invalidUTF8(let offset):
            return "json: invalid utf-8 at offset \(offset)"
        case .unescapedControlCharacter(let byte, let offset):
            return "json: unescaped control character \(Self.describe(byte)) in string at offset \(offset)"
        case .invalidEscape(let offset):
            return "json: invalid escape sequence at offset \(offset)"
        case .loneSurrogate(let offset):
            return "json: unpaired utf-16 surrogate escape at offset \(offset)"
        case .invalidNumber(let offset):
            return "json: invalid number at offset \(offset)"
        case .duplicateKey(let key, let offset):
            return "json: duplicate key \"\(key)\" at offset \(offset)"
        case .nestingTooDeep(let limit, let offset):
            return "json: nesting deeper than \(limit) levels at offset \(offset)"
        case .trailingCharacters(let offset):
            return "json: unexpected characters after the value at offset \(offset)"
        case .malformedHeader(let line, let at):
            return "jsonrpc: malformed header line \"\(line)\" at stream offset \(at)"
        case .missingContentLength(let at):
            return "jsonrpc: header without content-length at stream offset \(at)"
        case .invalidContentLength(let value, let at):
            return "jsonrpc: invalid content-length \"\(value)\" at stream offset \(at)"
        case .unsupportedContentType(let value, let at):
            return "jsonrpc: unsupported content-type \"\(value)\" (only utf-8) at stream offset \(at)"
        case .headerTooLong(let limit, let at):
            return "jsonrpc: header longer than \(limit) bytes at stream offset \(at)"
        case .messageTooLarge(let length, let limit, let at):
            return "jsonrpc: message of \(length) bytes exceeds the limit of \(limit) bytes"
                + " at stream offset \(at); skipped"
        case .lengthMismatch(let declared, let next, let at):
            return "jsonrpc: content-length \(declared) at stream offset \(at) is wrong:"
                + " the next header starts at stream offset \(next)"
        case .invalidBody(let underlying, let at):
            return "\(underlying) in the message body at stream offset \(at)"
        case .invalidMessage(let why):
            return "jsonrpc: invalid message: \(why)"
        case .decodingFailed(let why):
            return "jsonrpc: cannot decode: \(why)"
        case .encodingFailed(let why):
            return "jsonrpc: cannot encode: \(why)"
        case .connectionClosed:
            return "jsonrpc: connection closed"
        case .io(let operation, let errno):
            return "jsonrpc: \(operation) failed with errno \(errno)"
        case .timedOut(let what, let after):
            return "jsonrpc: timed out after \(after) waiting for \(what)"
        }
    }

    /// Whether the problem is that a message could not be read at all (JSON-RPC −32700): bad
    /// bytes, JSON text or framing. A message refused for its size, or a readable value that is
    /// not a message, is −32600 instead.
    public var isParseError: Bool {
        switch self {
        case .messageTooLarge, .invalidMessage, .decodingFailed, .encodingFailed, .connectionClosed, .io,
             .timedOut:
            return false
        default:
            return true
        }
    }

    /// `'x'` for printable ASCII, `byte 0x9f` otherwise.
    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7e).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
    }
}
