/// The matcher's stack entries: small values, so that copying a matcher for each candidate token
/// copies a few words per open value.
extension JSONGrammarMatcher {
    enum Frame: Sendable {
        case value(ValueFrame)
        case object(ObjectFrame)
        case array(ArrayFrame)
        case string(StringFrame)
        case number(NumberFrame)
        case literal(LiteralFrame)

        /// Byte offset where the value started.
        var start: Int {
            switch self {
            case .value(let f): return f.start
            case .object(let f): return f.start
            case .array(let f): return f.start
            case .string(let f): return f.start
            case .number(let f): return f.start
            case .literal(let f): return f.start
            }
        }
    }

    /// Waiting for a value of `node` (whitespace first).
    struct ValueFrame: Sendable {
        var node: Int
        var whitespace: UInt8 = 0
        var start = 0
    }

    struct ObjectFrame: Sendable {
        enum State: Sendable { case afterOpen, inKey, afterKey, inValue, afterValue, afterComma }
        var node: Int
        var state = State.afterOpen
        /// Bit i: property i has been given.
        var seen: UInt64 = 0
        /// Index of the last property given (generation mode keeps the written order).
        var last = -1
        /// The property whose value is being read; -1 for an extra key.
        var current = -1
        var whitespace: UInt8 = 0
        var start: Int
    }

    struct ArrayFrame: Sendable {
        enum State: Sendable { case afterOpen, inValue, afterValue, afterComma }
        var node: Int
        var items: Int
        /// Most items allowed (`maxItems`, and the generation bound).
        var limit: Int
        var state = State.afterOpen
        var count = 0
        var whitespace: UInt8 = 0
        var start: Int
    }

    /// Inside a string, after its opening quote. With `set` ≥ 0 the string is also matched against
    /// those alternatives (an object's keys): `mask` holds the ones still possible, `position` the
    /// byte reached in them (their opening quote is position 0).
    struct StringFrame: Sendable {
        var set = -1
        var mask: UInt64 = 0
        var position = 1
        /// Any string is allowed (not only the alternatives).
        var free = true
        /// 0: plain; 1: after a backslash; 2…5: hex digits of `\u` still to come, plus one.
        var escape: UInt8 = 0
        var length = 0
        /// Most bytes a generated string may take.
        var limit = JSONGrammarMatcher.maxStringBytes
        var start: Int
    }

    struct NumberFrame: Sendable {
        /// 0 start, 1 after '-', 2 after a leading '0', 3 in integer digits, 4 after '.',
        /// 5 in fraction digits, 6 after 'e', 7 after the exponent's sign, 8 in exponent digits.
        var state: UInt8 = 0
        var integer: Bool
        var digits = 0
        var start: Int

        var isComplete: Bool { state == 2 || state == 3 || state == 5 || state == 8 }
    }

    /// Matching one of the byte strings of `set` (true/false/null, an enum's values).
    struct LiteralFrame: Sendable {
        /// The node whose value this is (for messages).
        var node: Int
        var set: Int
        var mask: UInt64
        var position = 0
        var start: Int
    }
}

extension JSONGrammar {
    func objectNode(_ node: Int) -> ObjectNode {
        if case .object(let object) = nodes[node].kind { return object }
        preconditionFailure("node \(node) is not an object")
    }

    /// The mask with every alternative of `set`.
    func fullMask(_ set: Int) -> UInt64 {
        let count = literalSets[set].count
        return count >= 64 ? ~0 : (1 << UInt64(count)) - 1
    }
}
