/// Finding the demonstrations region in the body and reading its turns.
extension PromptDocument {
    mutating func parseRegion() {
        let scanner = BodyScanner(bytes: lines.bytes, span: bodyRange.bytes)
        let tokens = format == .dotprompt ? scanner.handlebarsTokens() : scanner.markdownMarkers()
        var open: BodyScanner.Token?
        var regions: [(open: BodyScanner.Token, close: BodyScanner.Token)] = []
        for var token in tokens {
            if case let .malformed(closing, found) = token.kind {
                // An error (so no edit goes near the file), then read as the marker it meant to be,
                // so the rest of the region does not add errors of its own.
                report(.malformedMarker(found: found, expected: closing ? format.closeMarker : format.openMarker,
                                        at: lines.range(token.span)))
                token.kind = closing ? .close : .open
            }
            switch token.kind {
            case .open:
                if let outer = open {
                    report(.nestedMarker(at: lines.range(token.span), outer: lines.range(outer.span)))
                } else {
                    open = token
                }
            case .close:
                if let opened = open {
                    regions.append((opened, token))
                    open = nil
                } else {
                    report(.unbalancedMarker("closing marker '\(format.closeMarker)' without an opening marker before it",
                                             at: lines.range(token.span)))
                }
            case .unknownMarker(let text):
                report(.unknownMarker(text, at: lines.range(token.span)))
            case .role, .malformed:
                break
            }
        }
        // The other format's markers are not read, but a user who wrote them meant something.
        let other = format == .dotprompt ? scanner.markdownMarkers() : scanner.handlebarsTokens()
        for token in other where token.kind == .open || token.kind == .close {
            let otherFormat: PromptFormat = format == .dotprompt ? .markdown : .dotprompt
            let expected = token.kind == .open ? format.openMarker : format.closeMarker
            report(.otherFormatMarker(found: token.kind == .open ? otherFormat.openMarker : otherFormat.closeMarker,
                                      expected: expected, at: lines.range(token.span)))
        }
        if let open {
            report(.unbalancedMarker("opening marker '\(format.openMarker)' is never closed by '\(format.closeMarker)'",
                                     at: lines.range(open.span)))
        }
        guard let first = regions.first else { return }
        for extra in regions.dropFirst() {
            report(.duplicateRegion(at: lines.range(extra.open.span), first: lines.range(first.open.span)))
        }
        let content = first.open.span.upperBound..<first.close.span.lowerBound
        region = DemonstrationRegion(range: lines.range(first.open.span.lowerBound..<first.close.span.upperBound),
                                     openMarker: lines.range(first.open.span),
                                     closeMarker: lines.range(first.close.span),
                                     content: lines.range(content))
        let roles: [BodyScanner.Token]
        if format == .dotprompt {
            roles = tokens.filter { if case .role = $0.kind { return content.contains($0.span.lowerBound) } else { return false } }
        } else {
            roles = scanner.markdownHeadings(in: content)
        }
        readTurns(roles, content: content)
    }

    /// Pairs the role tokens of the region into demonstrations. In Dotprompt, a tag that tries to
    /// be a turn tag but is not one (`{{role "user}}`) is an error and ends the turn before it, so
    /// a typo breaks one demonstration and leaves its neighbours as they are.
    mutating func readTurns(_ roles: [BodyScanner.Token], content: Range<Int>) {
        let bytes = lines.bytes
        let template = HandlebarsText(bytes: bytes, span: content)
        var boundaries = roles
        if format == .dotprompt {
            let tagStarts = Set(roles.map(\.span.lowerBound))
            for tag in template.tags() where !tag.isComment && !tagStarts.contains(tag.span.lowerBound) && template.isRoleLike(tag) {
                report(.malformedTurnTag(template.quoted(tag), at: lines.range(tag.span)))
                boundaries.append(BodyScanner.Token(kind: .role(""), span: tag.span))
            }
            boundaries.sort { $0.span.lowerBound < $1.span.lowerBound }
        }
        let firstTag = boundaries.first?.span.lowerBound ?? content.upperBound
        let nested = diagnostics.contains { $0.error.code == "nested-marker" }
        if !nested, let stray = bytes[content.lowerBound..<firstTag].firstIndex(where: { !isSpace($0) }) {
            var strayEnd = firstTag
            while strayEnd > stray, isSpace(bytes[strayEnd - 1]) { strayEnd -= 1 }
            report(.textOutsideTurn(at: lines.range(stray..<strayEnd)))
        }
        var pendingUser: Turn?
        // After a bad tag, the pairing errors it causes would only repeat it: one error per typo.
        var afterBadTag = false
        for (index, token) in boundaries.enumerated() {
            guard case .role(let name) = token.kind else { continue }
            guard !name.isEmpty, let role = Turn.Role(rawValue: name) else {
                if !name.isEmpty { report(.unexpectedRole(name, at: lines.range(token.span))) }
                afterBadTag = true
                continue
            }
            if format == .dotprompt {
                let written = String(decoding: bytes[token.span], as: UTF8.self)
                if !written.contains("\"\(name)\""), !written.contains("'\(name)'") {
                    report(.roleNotLowercase(BodyScanner.clipped(written), role: name, at: lines.range(token.span)))
                }
            }
            let textEnd = index + 1 < boundaries.count ? boundaries[index + 1].span.lowerBound : content.upperBound
            let turn = makeTurn(role: role, tag: token.span, textEnd: textEnd)
            defer { afterBadTag = false }
            switch role {
            case .user:
                if let pending = pendingUser, !afterBadTag { report(.userTurnWithoutModelTurn(at: pending.tagRange)) }
                pendingUser = turn
            case .model:
                guard let user = pendingUser else {
                    if !afterBadTag { report(.modelTurnWithoutUserTurn(at: turn.tagRange)) }
                    continue
                }
                pendingUser = nil
                if user.text.isEmpty { report(.emptyTurn(role: "user", at: user.tagRange)) }
                if turn.text.isEmpty { report(.emptyTurn(role: "model", at: turn.tagRange)) }
                let end = max(turn.range.end.offset, turn.tagRange.end.offset)
                demonstrations.append(ParsedDemonstration(index: demonstrations.count, user: user, model: turn,
                                                          range: lines.range(user.tagRange.start.offset..<end)))
            }
        }
        if let pending = pendingUser, !afterBadTag { report(.userTurnWithoutModelTurn(at: pending.tagRange)) }
    }

    /// The turn whose tag is `tag` and whose raw text runs to `textEnd`, trimmed by
    /// `trimmedTurn`. In Dotprompt the text is the one a runtime sends (comments removed), its
    /// range the source span it comes from; each other template tag in it gets a warning.
    mutating func makeTurn(role: Turn.Role, tag: Range<Int>, textEnd: Int) -> Turn {
        let bytes = lines.bytes
        let source = Self.trimmedTurn(bytes, tag.upperBound..<textEnd)
        var text = String(decoding: bytes[source], as: UTF8.self)
        if format == .dotprompt {
            let template = HandlebarsText(bytes: bytes, span: tag.upperBound..<textEnd)
            let tags = template.tags()
            for expression in tags where !expression.isComment {
                report(.templateExpression(template.quoted(expression), at: lines.range(expression.span)))
            }
            if tags.contains(where: \.isComment) {
                let rendered = template.withoutComments(tags)
                text = String(decoding: rendered[Self.trimmedTurn(rendered, 0..<rendered.count)], as: UTF8.self)
            }
        }
        return Turn(role: role, text: text, range: lines.range(source), tagRange: lines.range(tag))
    }

    /// The text part of a turn's raw span: leading whitespace up to and including the last line
    /// break before the first visible character is dropped (or, with no line break, all leading
    /// whitespace), and all trailing whitespace. Empty at the span's start when all is blank.
    static func trimmedTurn(_ bytes: [UInt8], _ span: Range<Int>) -> Range<Int> {
        var index = span.lowerBound
        var afterBreak: Int?
        while index < span.upperBound, isSpace(bytes[index]) {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 >= span.upperBound || bytes[index + 1] != 0x0A)) {
                afterBreak = index + 1
            }
            index += 1
        }
        guard index < span.upperBound else { return span.lowerBound..<span.lowerBound }
        let start = afterBreak ?? index
        var end = span.upperBound
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    func isSpace(_ b: UInt8) -> Bool { Self.isSpace(b) }
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
