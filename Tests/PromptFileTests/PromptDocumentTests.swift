import Testing
@testable import PromptFile

@Suite struct PromptDocumentTests {
    @Test func everyExampleParsesWithoutErrors() throws {
        let paths = examplePaths()
        #expect(paths.count >= 4)
        for path in paths {
            let document = try PromptDocument(contentsOfFile: path)
            #expect(document.errors.isEmpty, "\(path): \(document.errors)")
            #expect(document.task != nil, "\(path) has no task")
            #expect(document.region != nil, "\(path) has no region")
        }
    }

    @Test func sqlExampleReadsExactly() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sql.prompt").path)
        #expect(document.format == .dotprompt)
        #expect(document.settings.count == 6)
        #expect(document.settings.threshold == 0.5)
        #expect(document.settings.refresh == .onSave)
        #expect(document.settings.inputLabel == "Question")
        #expect(document.task?.source == .vsynthTask)
        #expect(document.task?.text.hasPrefix("Write one SQLite query") == true)
        #expect(document.task?.text.hasSuffix("placed_on).") == true)
        #expect(document.demonstrations.count == 3)
        let third = document.demonstrations[2]
        #expect(third.user.text == "List the names of customers who placed an order over 100.")
        #expect(third.model.text == "SELECT DISTINCT c.name\nFROM customers AS c\nJOIN orders AS o ON o.customer_id = c.id\nWHERE o.total > 100;")
        // The ranges select exactly the texts.
        for demonstration in document.demonstrations {
            #expect(document.text(in: demonstration.user.range) == demonstration.user.text)
            #expect(document.text(in: demonstration.model.range) == demonstration.model.text)
            #expect(document.text(in: demonstration.user.tagRange) == "{{role \"user\"}}")
            #expect(document.text(in: demonstration.model.tagRange) == "{{role \"model\"}}")
        }
        let region = try #require(document.region)
        #expect(document.text(in: region.openMarker) == "{{!-- vsynth:demos --}}")
        #expect(document.text(in: region.closeMarker) == "{{!-- /vsynth:demos --}}")
    }

    @Test func markdownExample() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("support-reply.prompt.md").path)
        #expect(document.format == .markdown)
        #expect(document.demonstrations.count == 2)
        #expect(document.demonstrations[0].user.text == "My kettle stopped working after two days.")
        #expect(document.demonstrations[1].model.text == "Of course! Reply with the new address and we will update order 4411 before it ships.")
        #expect(document.settings.refresh == .off)
        #expect(document.settings.threshold == -0.5)
    }

    @Test func taskFallsBackToDescription() {
        let document = dotprompt("description: |\n  Say hello.\n", "body\n")
        #expect(document.task == TaskDefinition(text: "Say hello.", range: document.task!.range, source: .description))
        #expect(document.errors.isEmpty)
        let none = dotprompt("name: x", "body\n")
        #expect(none.warnings.map(\.error.code) == ["missing-task"])
    }

    @Test func settingsInAllThreeSpellings() {
        let nested = dotprompt("vsynth:\n  task: T\n  count: 3", "")
        let dotted = dotprompt("vsynth.task: T\nvsynth.count: 3", "")
        let ext = dotprompt("ext:\n  vsynth:\n    task: T\n    count: 3", "")
        for document in [nested, dotted, ext] {
            #expect(document.errors.isEmpty, "\(document.errors)")
            #expect(document.settings.task == "T")
            #expect(document.settings.count == 3)
        }
    }

    @Test func settingErrorsPointAtTheValue() {
        let document = dotprompt("vsynth:\n  task: T\n  count: many\n  threshold: high\n  seed: -1\n  refresh: sometimes\n  model: 3", "")
        #expect(errorCodes(document) == ["setting-type", "setting-type", "setting-value", "setting-value", "setting-type"])
        let count = document.errors[0]
        #expect(count.range?.start.line == 3)
        #expect(count.range?.start.utf8Column == 9)
        #expect(count.description == "test.prompt:4:10: error: setting 'vsynth.count' must be an integer, found a string")
        #expect(document.errors[3].message == "setting 'vsynth.refresh' must be one of off | score | on-save, found 'sometimes'")
    }

    @Test func unknownAndRepeatedSettings() {
        let document = dotprompt("vsynth:\n  task: T\n  cuont: 3\nvsynth.task: again", "")
        #expect(document.warnings.map(\.message) == ["unknown setting 'vsynth.cuont' (did you mean 'vsynth.count'?)"])
        #expect(errorCodes(document) == ["setting-repeated"])
        #expect(document.errors[0].range?.start.line == 4)
    }

    @Test func noFrontmatterIsABodyOnlyFile() {
        let document = PromptDocument(text: "Just a prompt.\n", path: "plain.prompt")
        #expect(document.frontmatterRange == nil)
        #expect(document.errors.isEmpty)
        #expect(document.bodyRange.start.offset == 0)
    }

    @Test func crlfFilesParse() {
        let text = "---\r\nvsynth.task: T\r\n---\r\n{{!-- vsynth:demos --}}\r\n{{role \"user\"}}\r\nhi\r\n{{role \"model\"}}\r\nhello\r\n{{!-- /vsynth:demos --}}\r\n"
        let document = PromptDocument(text: text, path: "crlf.prompt")
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.demonstrationPairs == [Demonstration(input: "hi", output: "hello")])
        #expect(document.demonstrations[0].user.range.start.line == 5)
        #expect(document.demonstrations[0].user.tagRange.start.line == 4)
        #expect(document.lineBreak == "\r\n")
    }
}
