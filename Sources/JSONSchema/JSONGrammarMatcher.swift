/// An incremental matcher of JSON text against a compiled schema: a pushdown automaton fed one
/// byte at a time, which says at every byte whether the text so far can still become a valid
/// document. The embedded engine masks tokens with it; the validator runs it over whole texts.
///
/// Two modes. `generation` is llama.cpp's grammar: properties in the order written (optional ones
/// may be skipped, required ones not), no keys beyond the schema's, one line laid out as
/// `{"a": 1, "b": [2, 3]}` (at most one space, after ':' and ','; a small model otherwise spends
/// tokens on spaces), and bounded strings, numbers and arrays so that a sampled document always
/// ends. `validation` accepts any valid JSON the schema allows: any key order, any whitespace, extra
/// keys where `additionalProperties` allows them; it records why and where it stopped.
public struct JSONGrammarMatcher: Sendable {
    public enum Mode: Sendable { case generation, validation }

    /// Bounds in generation mode (each also bounds the tokens a document can take).
    public static let maxStringBytes = 200
    public static let maxNumberDigits = 12
    public static let maxArrayItems = 8
    public static let maxWhitespace = 1

    let grammar: JSONGrammar
    public let mode: Mode
    var frames: [Frame]
    /// Bytes accepted so far.
    public private(set) var offset = 0
    /// The top-level value is finished.
    var rootDone = false
    var failed = false
    /// Why the last byte was rejected (validation mode only: messages cost time when masking).
    public private(set) var violation: SchemaViolation?

    public init(grammar: JSONGrammar, mode: Mode) {
        self.grammar = grammar
        self.mode = mode
        frames = [.value(ValueFrame(node: grammar.root))]
        frames.reserveCapacity(8)
    }

    /// The text so far is a complete document (generation may stop here).
    public var isComplete: Bool {
        if rootDone { return true }
        guard frames.count == 1 else { return false }
        switch frames[0] {
        case .number(let n): return n.isComplete
        case .literal(let l):
            let options = grammar.literalSets[l.set]
            return options.indices.contains { l.mask & (1 << UInt64($0)) != 0 && options[$0].count == l.position }
        default: return false
        }
    }

    /// The document is complete and nothing but (in validation mode) whitespace may follow.
    public var isClosed: Bool { rootDone }

    /// Becomes a copy of `other` while keeping its own frame storage, so that trying token after
    /// token from one state allocates nothing (a plain copy would copy the stack on first write).
    public mutating func reset(to other: JSONGrammarMatcher) {
        frames.removeAll(keepingCapacity: true)
        frames.append(contentsOf: other.frames)
        offset = other.offset
        rootDone = other.rootDone
        failed = other.failed
        violation = nil
    }

    /// Feeds every byte; false at the first one rejected.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        for byte in bytes where !feed(byte) { return false }
        return true
    }

    /// Feeds one byte; false (and the matcher stays failed) if no valid document continues this way.
    public mutating func feed(_ byte: UInt8) -> Bool {
        if failed { return false }
        while true {
            guard let top = frames.last else {
                if mode == .validation, isWhitespace(byte) { offset += 1; return true }
                return reject("unexpected text after the json value")
            }
            let step: Step
            switch top {
            case .value(var v): step = value(&v, byte); if case .consumed = step { replaceTop(.value(v)) }
            case .object(var o): step = object(&o, byte); if case .consumed = step { replaceTop(.object(o)) }
            case .array(var a): step = array(&a, byte); if case .consumed = step { replaceTop(.array(a)) }
            case .string(var s): step = string(&s, byte); if case .consumed = step { replaceTop(.string(s)) }
            case .number(var n): step = number(&n, byte); if case .consumed = step { replaceTop(.number(n)) }
            case .literal(var l): step = literal(&l, byte); if case .consumed = step { replaceTop(.literal(l)) }
            }
            switch step {
            case .consumed, .pushed:
                offset += 1
                return true
            case .reject(let message):
                return reject(message())
            case .completed(let key):
                frames.removeLast()
                if let problem = childCompleted(key: key) { return reject(problem()) }
                offset += 1
                return true
            case .endedBefore:
                // A number or literal ended at a byte that is not part of it: its parent reads the byte.
                frames.removeLast()
                if let problem = childCompleted(key: nil) { return reject(problem()) }
            case .refeed:
                continue
            }
        }
    }

    /// Ends the text: records a violation if the document is incomplete.
    public mutating func finish() -> Bool {
        if failed { return false }
        if isComplete { return true }
        let message = frames.last.map(expectation) ?? "unexpected end of text"
        return reject(message)
    }

    // MARK: - Steps

    enum Step {
        case consumed
        /// A new frame was pushed and consumed the byte.
        case pushed
        /// The top frame consumed the byte and is finished (for a key: the property index, -1 for an
        /// extra key).
        case completed(key: Int?)
        /// The top frame was finished before this byte: pop it and feed the byte to its parent.
        case endedBefore
        /// A new frame was pushed that must read this byte.
        case refeed
        case reject(() -> String)
    }

    mutating func replaceTop(_ frame: Frame) { frames[frames.count - 1] = frame }

    mutating func reject(_ message: @autoclosure () -> String) -> Bool {
        failed = true
        if mode == .validation {
            // A value rejected at its first byte starts there (its frame only held whitespace).
            var start = offset
            if let top = frames.last, case .value = top {} else if let top = frames.last { start = top.start }
            violation = SchemaViolation(offset: offset, valueStart: start, path: path, message: message())
        }
        return false
    }

    func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Whitespace where JSON allows it: any in validation, at most `maxWhitespace` spaces in generation.
    func whitespace(_ byte: UInt8, count: inout UInt8) -> Bool {
        switch mode {
        case .validation: return isWhitespace(byte)
        case .generation:
            guard byte == 0x20, count < Self.maxWhitespace else { return false }
            count += 1
            return true
        }
    }

    /// Where the matcher is in the document, e.g. `items[2].kind`.
    var path: String {
        var parts = ""
        for frame in frames {
            switch frame {
            case .object(let o) where o.state == .inValue:
                let names = grammar.objectNode(o.node).names
                parts += (parts.isEmpty ? "" : ".") + (o.current >= 0 ? names[o.current] : "(extra key)")
            case .array(let a) where a.state == .inValue: parts += "[\(a.count)]"
            default: break
            }
        }
        return parts
    }

    /// What the top frame waits for, for messages at the end of the text.
    func expectation(_ frame: Frame) -> String {
        switch frame {
        case .value(let v): return "unexpected end of text: expected \(grammar.nodes[v.node].expected)"
        case .object: return "unexpected end of text inside an object"
        case .array: return "unexpected end of text inside an array"
        case .string: return "unexpected end of text inside a string"
        case .number, .literal: return "unexpected end of text inside a value"
        }
    }
}
