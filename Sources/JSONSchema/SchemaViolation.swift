/// Where and why a JSON text breaks a schema (or is not JSON at all).
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Byte offset (UTF-8) into the text of the byte that could not be accepted (the text's length
    /// when the text ended too early).
    public var offset: Int
    /// Byte offset where the value the problem is about starts (≤ `offset`), for underlining it.
    public var valueStart: Int
    /// The value's place in the document, e.g. `items[2].kind`; empty for the top-level value.
    public var path: String
    /// The problem in words, lowercase.
    public var message: String

    public init(offset: Int, valueStart: Int, path: String, message: String) {
        self.offset = offset
        self.valueStart = valueStart
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
