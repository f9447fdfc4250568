import Testing
@testable import PromptFile

@Suite struct EditingTests {
    /// Applies `edits` and re-parses.
    func applied(_ document: PromptDocument, _ edits: [TextEdit]) throws -> PromptDocument {
        PromptDocument(text: try TextEdit.apply(edits, to: document.text), path: document.path)
    }

    /// The bytes before and after the region must not change.
    func expectOutsideUnchanged(_ old: PromptDocument, _ new: PromptDocument, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let before = old.region, let after = new.region else {
            Issue.record("missing region", sourceLocation: sourceLocation)
            return
        }
        #expect(old.bytes[..<before.range.start.offset] == new.bytes[..<after.range.start.offset], sourceLocation: sourceLocation)
        #expect(old.bytes[before.range.end.offset...] == new.bytes[after.range.end.offset...], sourceLocation: sourceLocation)
    }

    @Test func roundTripOnEveryExampleIsByteForByte() throws {
        for path in examplePaths() {
            let document = try PromptDocument(contentsOfFile: path)
            #expect(try document.edits(replacingDemonstrationsWith: document.demonstrationPairs).isEmpty, "\(path)")
            let region = try #require(document.region)
            #expect(try document.renderedRegion(document.demonstrationPairs) == document.text(in: region.range), "\(path)")
        }
    }

    @Test func editsChangeOnlyTheRegionOnEveryExample() throws {
        let added = Demonstration(input: "A new input\nwith two lines", output: "a new output")
        for path in examplePaths() {
            let document = try PromptDocument(contentsOfFile: path)
            let old = document.demonstrationPairs
            for new in [old + [added], [added] + old, Array(old.dropFirst()), [], old.reversed(), [added]] {
                let edits = try document.edits(replacingDemonstrationsWith: new)
                #expect(edits.count <= 1)
                let after = try applied(document, edits)
                #expect(after.errors.isEmpty, "\(path): \(after.errors)")
                #expect(after.demonstrationPairs == new, "\(path)")
                expectOutsideUnchanged(document, after)
                // Each edit's range lies inside the old region.
                for edit in edits {
                    #expect(document.region!.range.bytes.contains(edit.range.start.offset)
                            || edit.range.start.offset == document.region!.range.end.offset)
                    #expect(edit.range.end.offset <= document.region!.range.end.offset)
                }
                // And writing the old list back restores the file exactly.
                let back = try after.edits(replacingDemonstrationsWith: old)
                #expect(try TextEdit.apply(back, to: after.text) == document.text, "\(path)")
            }
        }
    }

    @Test func appendingKeepsExistingTextAndSpacing() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sql.prompt").path)
        let edits = try document.edits(appending: Demonstration(input: "Who spent most?", output: "SELECT name FROM customers LIMIT 1;"))
        #expect(edits.count == 1)
        // The smallest edit: an insertion right after the last demonstration's line break.
        #expect(edits[0].range.start.offset == document.demonstrations[2].range.end.offset + 1)
        #expect(edits[0].range.bytes.isEmpty)
        #expect(edits[0].newText == "\n{{role \"user\"}}\nWho spent most?\n{{role \"model\"}}\nSELECT name FROM customers LIMIT 1;\n")
    }

    @Test func regionIsCreatedBeforeTheLastUserTurn() throws {
        let text = "---\nvsynth.task: T\n---\n{{role \"system\"}}\nBe brief.\n{{role \"user\"}}\n{{input}}\n"
        let document = PromptDocument(text: text, path: "new.prompt")
        #expect(document.region == nil)
        #expect(try document.edits(replacingDemonstrationsWith: []).isEmpty)
        let edits = try document.edits(replacingDemonstrationsWith: [Demonstration(input: "x", output: "y")])
        let result = try TextEdit.apply(edits, to: text)
        #expect(result == "---\nvsynth.task: T\n---\n{{role \"system\"}}\nBe brief.\n{{!-- vsynth:demos --}}\n{{role \"user\"}}\nx\n{{role \"model\"}}\ny\n{{!-- /vsynth:demos --}}\n{{role \"user\"}}\n{{input}}\n")
        #expect(edits[0].range.start.line == 5)
    }

    @Test func regionIsCreatedAtTheEndOfAMarkdownBody() throws {
        for (body, separator) in [("Intro text.", "\n\n"), ("Intro text.\n", "\n"), ("Intro text.\n\n", ""), ("", "")] {
            let text = "---\ndescription: T\n---\n" + body
            let document = PromptDocument(text: text, path: "new.prompt.md")
            let edits = try document.edits(replacingDemonstrationsWith: [Demonstration(input: "x", output: "y")])
            let result = try TextEdit.apply(edits, to: text)
            #expect(result == text + separator + "<!-- vsynth:demos -->\n### User\n\nx\n\n### Model\n\ny\n<!-- /vsynth:demos -->\n", "\(body.debugDescription)")
            let reparsed = PromptDocument(text: result, path: "new.prompt.md")
            #expect(reparsed.demonstrationPairs == [Demonstration(input: "x", output: "y")])
        }
    }

    @Test func emptyRegionIsFilledAndEmptiedExactly() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sentiment.prompt").path)
        #expect(document.demonstrations.isEmpty)
        let demos = [Demonstration(input: "Great kettle!", output: "positive"), Demonstration(input: "Broke in a day.", output: "negative")]
        let filled = try applied(document, try document.edits(replacingDemonstrationsWith: demos))
        #expect(filled.demonstrationPairs == demos)
        #expect(filled.text(in: filled.region!.range) == "{{!-- vsynth:demos --}}\n{{role \"user\"}}\nGreat kettle!\n{{role \"model\"}}\npositive\n\n{{role \"user\"}}\nBroke in a day.\n{{role \"model\"}}\nnegative\n{{!-- /vsynth:demos --}}")
        expectOutsideUnchanged(document, filled)
    }

    @Test func textsAreNormalizedAndUnrepresentableOnesRejected() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sentiment.prompt").path)
        let edits = try document.edits(replacingDemonstrationsWith: [Demonstration(input: "\n\n  indented\n", output: "y  \n")])
        let after = try applied(document, edits)
        #expect(after.demonstrationPairs == [Demonstration(input: "  indented", output: "y")])
        #expect(throws: PromptFileError.self) {
            try document.edits(replacingDemonstrationsWith: [Demonstration(input: "{{name}}", output: "y")])
        }
        let markdown = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("support-reply.prompt.md").path)
        for bad in ["### Model\nsneaky", "```\nunclosed fence", "<!-- /vsynth:demos -->"] {
            #expect(throws: PromptFileError.self, "\(bad)") {
                try markdown.edits(replacingDemonstrationsWith: [Demonstration(input: bad, output: "y")])
            }
        }
        // Balanced fences with a heading inside are fine in Markdown.
        let fenced = Demonstration(input: "```\n### User\n```", output: "ok")
        let withFence = try applied(markdown, try markdown.edits(replacingDemonstrationsWith: [fenced]))
        #expect(withFence.demonstrationPairs == [fenced])
    }

    @Test func documentsWithErrorsAreNotEdited() {
        let document = dotprompt("vsynth.task: T", "{{!-- vsynth:demos --}}\n")
        #expect(throws: PromptFileError.self) { try document.edits(replacingDemonstrationsWith: []) }
    }

    @Test func applyRejectsOverlapsAndSplitCharacters() throws {
        let lines = LineIndex(Array("héllo".utf8))
        #expect(throws: PromptFileError.self) {
            try TextEdit.apply([TextEdit(range: lines.range(0..<3), newText: ""), TextEdit(range: lines.range(2..<4), newText: "")], to: "héllo")
        }
        #expect(throws: PromptFileError.self) { try TextEdit.apply([TextEdit(range: lines.range(2..<3), newText: "")], to: "héllo") }
        let past = SourcePosition(offset: 99, line: 0, utf8Column: 99, utf16Column: 99)
        #expect(throws: PromptFileError.self) {
            try TextEdit.apply([TextEdit(range: SourceRange(start: lines.position(at: 0), end: past), newText: "")], to: "héllo")
        }
        #expect(try TextEdit.apply([TextEdit(range: lines.range(1..<3), newText: "e"), TextEdit(range: lines.range(0..<0), newText: ">")], to: "héllo") == ">hello")
    }

    @Test func crlfRegionKeepsItsLineBreaks() throws {
        let text = "---\r\nvsynth.task: T\r\n---\r\n{{!-- vsynth:demos --}}\r\n{{!-- /vsynth:demos --}}\r\n"
        let document = PromptDocument(text: text, path: "crlf.prompt")
        let after = try TextEdit.apply(try document.edits(replacingDemonstrationsWith: [Demonstration(input: "a", output: "b")]), to: text)
        #expect(after == "---\r\nvsynth.task: T\r\n---\r\n{{!-- vsynth:demos --}}\r\n{{role \"user\"}}\r\na\r\n{{role \"model\"}}\r\nb\r\n{{!-- /vsynth:demos --}}\r\n")
    }
}

@Suite struct EditingSafetyTests {
    @Test func anUnclosedCommentBeforeTheNewRegionIsRefused() throws {
        let text = "---\ndescription: T\n---\nIntro <!-- never closed\n"
        let document = PromptDocument(text: text, path: "open.prompt.md")
        #expect(document.errors.isEmpty)
        #expect(throws: PromptFileError.self) {
            try document.edits(replacingDemonstrationsWith: [Demonstration(input: "x", output: "y")])
        }
    }
}
