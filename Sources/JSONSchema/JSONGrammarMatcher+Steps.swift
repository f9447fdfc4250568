/// One byte in each kind of frame. Each step says what became of the byte; `feed` does the stack work.
extension JSONGrammarMatcher {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// A value's first byte picks the frame that reads it, which replaces the value frame.
    mutating func value(_ v: inout ValueFrame, _ byte: UInt8) -> Step {
        if isWhitespace(byte) {
            return whitespace(byte, count: &v.whitespace) ? .consumed : .reject { "too much whitespace" }
        }
        let node = grammar.nodes[v.node]
        let start = offset
        func literal(_ set: Int) -> Step {
            var frame = LiteralFrame(node: v.node, set: set, mask: grammar.fullMask(set), start: start)
            let step = self.literal(&frame, byte)
            switch step {
            case .consumed: replaceTop(.literal(frame)); return .pushed
            default: return step
            }
        }
        func number(integer: Bool) -> Step {
            var frame = NumberFrame(integer: integer, start: start)
            let step = self.number(&frame, byte)
            if case .consumed = step { replaceTop(.number(frame)); return .pushed }
            return step
        }
        let isNumberStart = byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39)
        if node.nullable, byte == UInt8(ascii: "n") {
            if case .literal = node.kind {} else { return literal(grammar.nullSet) }
        }
        switch node.kind {
        case .any:
            switch byte {
            case UInt8(ascii: "{"): replaceTop(.object(ObjectFrame(node: grammar.anyObject, start: start))); return .pushed
            case UInt8(ascii: "["):
                let limit = mode == .generation ? Self.maxArrayItems : .max
                replaceTop(.array(ArrayFrame(node: grammar.anyArray, items: grammar.anyNode, limit: limit, start: start)))
                return .pushed
            case Self.quote: replaceTop(.string(StringFrame(start: start))); return .pushed
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return literal(grammar.wordSet)
            default: if isNumberStart { return number(integer: false) }
            }
        case .string(let maxLength) where byte == Self.quote:
            var frame = StringFrame(start: start)
            if let maxLength { frame.limit = min(frame.limit, maxLength) }
            replaceTop(.string(frame)); return .pushed
        case .number(let integer) where isNumberStart:
            return number(integer: integer)
        case .literal(let set):
            return literal(set)
        case .array(let items, let maxItems) where byte == UInt8(ascii: "["):
            let limit = mode == .generation ? min(maxItems ?? Self.maxArrayItems, Self.maxArrayItems) : (maxItems ?? .max)
            replaceTop(.array(ArrayFrame(node: v.node, items: items, limit: limit, start: start))); return .pushed
        case .object where byte == UInt8(ascii: "{"):
            replaceTop(.object(ObjectFrame(node: v.node, start: start))); return .pushed
        default: break
        }
        return .reject { "expected \(node.expected)" }
    }

    mutating func object(_ o: inout ObjectFrame, _ byte: UInt8) -> Step {
        if isWhitespace(byte), o.state != .inKey, o.state != .inValue {
            // Generated objects are laid out `{"a": 1, "b": 2}`: a space only after ',' (and ':').
            if mode == .generation, o.state != .afterComma { return .reject { "no whitespace here" } }
            return whitespace(byte, count: &o.whitespace) ? .consumed : .reject { "too much whitespace" }
        }
        let node = grammar.objectNode(o.node)
        switch (o.state, byte) {
        case (.afterOpen, UInt8(ascii: "}")), (.afterValue, UInt8(ascii: "}")):
            let missing = node.required & ~o.seen
            guard missing == 0 else {
                let name = node.names[missing.trailingZeroBitCount]
                return .reject { "missing required property '\(name)'" }
            }
            return .completed(key: nil)
        case (.afterOpen, Self.quote), (.afterComma, Self.quote):
            var key = StringFrame(set: node.keys, start: offset)
            if mode == .generation, !node.names.isEmpty {
                // The written order: any later property up to and including the next required one.
                key.free = false
                var i = o.last + 1
                while i < node.names.count {
                    key.mask |= 1 << UInt64(i)
                    if node.required & (1 << UInt64(i)) != 0 { break }
                    i += 1
                }
                if key.mask == 0 { return .reject { "no property may follow" } }
            } else {
                key.mask = grammar.fullMask(node.keys)
                key.free = node.additional
            }
            o.state = .inKey
            o.whitespace = 0
            replaceTop(.object(o))
            frames.append(.string(key))
            return .pushed
        case (.afterKey, UInt8(ascii: ":")):
            o.state = .inValue
            replaceTop(.object(o))
            frames.append(.value(ValueFrame(node: o.current >= 0 ? node.values[o.current] : grammar.anyNode, start: offset + 1)))
            return .pushed
        case (.afterValue, UInt8(ascii: ",")):
            if mode == .generation, !node.names.isEmpty, o.last + 1 >= node.names.count {
                return .reject { "no property may follow" }
            }
            o.state = .afterComma
            o.whitespace = 0
            return .consumed
        case (.afterOpen, _): return .reject { "expected a property name in double quotes or '}'" }
        case (.afterComma, _): return .reject { "expected a property name in double quotes" }
        case (.afterKey, _): return .reject { "expected ':' after the property name" }
        default: return .reject { "expected ',' or '}' after a property" }
        }
    }

    mutating func array(_ a: inout ArrayFrame, _ byte: UInt8) -> Step {
        if isWhitespace(byte), a.state != .inValue {
            // Generated arrays are laid out `[1, 2]`: a space only after ','.
            if mode == .generation, a.state != .afterComma { return .reject { "no whitespace here" } }
            return whitespace(byte, count: &a.whitespace) ? .consumed : .reject { "too much whitespace" }
        }
        switch (a.state, byte) {
        case (.afterOpen, UInt8(ascii: "]")), (.afterValue, UInt8(ascii: "]")):
            return .completed(key: nil)
        case (.afterValue, UInt8(ascii: ",")):
            if a.count >= a.limit { let limit = a.limit; return .reject { "more than \(limit) items" } }
            a.state = .afterComma
            a.whitespace = 0
            return .consumed
        case (.afterValue, _):
            return .reject { "expected ',' or ']' after an item" }
        case (.afterOpen, _) where a.limit == 0:
            return .reject { "expected an empty array" }
        default:
            a.state = .inValue
            replaceTop(.array(a))
            frames.append(.value(ValueFrame(node: a.items, start: offset)))
            return .refeed
        }
    }

    mutating func string(_ s: inout StringFrame, _ byte: UInt8) -> Step {
        var closing = false
        switch s.escape {
        case 0:
            if byte == Self.quote { closing = true }
            else if byte == Self.backslash { s.escape = 1 }
            else if byte < 0x20 { return .reject { "control character in a string (write it as an escape)" } }
        case 1:
            switch byte {
            case Self.quote, Self.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): s.escape = 0
            case UInt8(ascii: "u"): s.escape = 5
            default: return .reject { "invalid escape in a string" }
            }
        default:
            let isHex = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
            guard isHex else { return .reject { "expected four hex digits after \\u" } }
            s.escape = s.escape == 2 ? 0 : s.escape - 1
        }
        if s.set >= 0 {
            let options = grammar.literalSets[s.set]
            var mask = s.mask, kept: UInt64 = 0
            while mask != 0 {
                let i = mask.trailingZeroBitCount
                mask &= mask - 1
                if options[i].count > s.position, options[i][s.position] == byte { kept |= 1 << UInt64(i) }
            }
            s.mask = kept
            s.position += 1
            if kept == 0, !s.free {
                return .reject { "expected one of the properties " + options.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ") }
            }
        }
        s.length += 1
        if mode == .generation, s.length > s.limit, !closing { return .reject { "string too long" } }
        guard closing else { return .consumed }
        guard s.set >= 0, s.mask != 0 else { return .completed(key: -1) }
        let options = grammar.literalSets[s.set]
        let match = (0..<options.count).first { s.mask & (1 << UInt64($0)) != 0 && options[$0].count == s.position }
        return .completed(key: match ?? -1)
    }

    mutating func number(_ n: inout NumberFrame, _ byte: UInt8) -> Step {
        let isDigit = byte >= 0x30 && byte <= 0x39
        let next: UInt8?
        switch (n.state, byte) {
        case (0, UInt8(ascii: "-")): next = 1
        case (0, UInt8(ascii: "0")), (1, UInt8(ascii: "0")): next = 2
        case (0, _) where isDigit, (1, _) where isDigit, (3, _) where isDigit: next = 3
        case (2, UInt8(ascii: ".")), (3, UInt8(ascii: ".")): next = n.integer ? nil : 4
        case (4, _) where isDigit, (5, _) where isDigit: next = 5
        case (2, UInt8(ascii: "e")), (2, UInt8(ascii: "E")), (3, UInt8(ascii: "e")), (3, UInt8(ascii: "E")),
             (5, UInt8(ascii: "e")), (5, UInt8(ascii: "E")):
            next = n.integer ? nil : 6
        case (6, UInt8(ascii: "+")), (6, UInt8(ascii: "-")): next = 7
        case (6, _) where isDigit, (7, _) where isDigit, (8, _) where isDigit: next = 8
        default: next = nil
        }
        guard let next else {
            if n.integer, n.isComplete, byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") {
                return .reject { "expected an integer" }
            }
            return n.isComplete ? .endedBefore : .reject { "invalid number" }
        }
        if isDigit {
            n.digits += 1
            if mode == .generation, n.digits > Self.maxNumberDigits { return .reject { "number too long" } }
        }
        n.state = next
        return .consumed
    }

    mutating func literal(_ l: inout LiteralFrame, _ byte: UInt8) -> Step {
        let options = grammar.literalSets[l.set]
        var mask = l.mask, kept: UInt64 = 0, complete = false, longer = false
        while mask != 0 {
            let i = mask.trailingZeroBitCount
            mask &= mask - 1
            if options[i].count == l.position { complete = true }
            if options[i].count > l.position, options[i][l.position] == byte {
                kept |= 1 << UInt64(i)
                if options[i].count > l.position + 1 { longer = true }
            }
        }
        if kept == 0 {
            if complete { return .endedBefore }
            let expected = grammar.nodes[l.node].expected
            return .reject { "expected \(expected)" }
        }
        l.mask = kept
        l.position += 1
        return longer ? .consumed : .completed(key: nil)
    }

    /// The frame on top finished; its parent moves on. Returns the problem if the parent rejects it.
    mutating func childCompleted(key: Int?) -> (() -> String)? {
        guard let top = frames.last else { rootDone = true; return nil }
        switch top {
        case .object(var o) where o.state == .inKey:
            let node = grammar.objectNode(o.node)
            let k = key ?? -1
            // An unknown key reaches here only where the object allows extra keys (the string
            // frame rejects it otherwise).
            if k >= 0 {
                if o.seen & (1 << UInt64(k)) != 0 { return { "property '\(node.names[k])' is given twice" } }
                o.seen |= 1 << UInt64(k)
                o.last = k
            }
            o.current = k
            o.state = .afterKey
            o.whitespace = 0
            replaceTop(.object(o))
        case .object(var o):
            o.state = .afterValue
            o.whitespace = 0
            replaceTop(.object(o))
        case .array(var a):
            a.state = .afterValue
            a.count += 1
            a.whitespace = 0
            replaceTop(.array(a))
        default:
            preconditionFailure("only objects and arrays hold values")
        }
        return nil
    }
}
