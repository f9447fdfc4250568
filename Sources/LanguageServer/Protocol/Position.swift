import JSONRPC

/// A place in a text document as LSP writes it: a 0-based line and a 0-based character offset
/// counted in the position encoding negotiated at `initialize` (UTF-8 bytes, UTF-16 code units or
/// UTF-32 code points).
public struct Position: MessageType, Hashable, Comparable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public static func < (lhs: Position, rhs: Position) -> Bool {
        (lhs.line, lhs.character) < (rhs.line, rhs.character)
    }
}

/// A half-open span `[start, end)` of a text document (LSP's `Range`; named so to stay clear of
/// `Swift.Range`).
public struct LSPRange: MessageType, Hashable {
    public var start: Position
    public var end: Position

    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    /// Whether `position` lies in the span (its end included, as editors place a cursor there).
    public func contains(_ position: Position) -> Bool { start <= position && position <= end }
}
