import Testing
@testable import PromptFile

@Suite struct TurnSyntaxTests {
    @Test func handlebarsTagVariantsAndTrimming() {
        let body = """
        {{!--vsynth:demos--}}
        {{ role 'user' }}Inline start
        {{role  "model"}}   \n\n  indented first line
          second\t\n\n
        {{!-- {{role "user"}} inside a comment does not count --}}
        {{role "USER"}}
        x
        {{role "model"}}
        y
        {{! /vsynth:demos }}

        """
        let document = dotprompt("vsynth.task: T", body)
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.demonstrations.count == 2)
        #expect(document.demonstrations[0].user.text == "Inline start")
        // The comment is text a runtime never sends (a standalone one takes its line with it).
        #expect(document.demonstrations[0].model.text == "  indented first line\n  second")
        #expect(document.demonstrations[1].demonstration == Demonstration(input: "x", output: "y"))
    }

    @Test func markdownHeadingVariantsAndFences() {
        let text = """
        <!-- vsynth:demos -->
        ## user ##
        Question with code:
        ```sql
        ### Model
        SELECT 1;
        ```

        #### MODEL
        Answer
        # Heading inside the answer stays text
        <!--/vsynth:demos-->

        """
        let document = PromptDocument(text: text, path: "x.prompt.md")
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.demonstrationPairs == [Demonstration(
            input: "Question with code:\n```sql\n### Model\nSELECT 1;\n```",
            output: "Answer\n# Heading inside the answer stays text")])
    }

    @Test func markdownRendersCanonicalTurns() throws {
        let document = PromptDocument(text: "<!-- vsynth:demos -->\n<!-- /vsynth:demos -->\n", path: "x.prompt.md")
        #expect(try document.render(Demonstration(input: "a", output: "b")) == "### User\n\na\n\n### Model\n\nb")
        let dotprompt = PromptDocument(text: "", path: "x.prompt")
        #expect(try dotprompt.render(Demonstration(input: "a\n", output: "b")) == "{{role \"user\"}}\na\n{{role \"model\"}}\nb")
    }

    @Test func demonstrationContainingAnOffset() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sql.prompt").path)
        let second = document.demonstrations[1]
        #expect(document.demonstration(containing: second.model.range.start.offset)?.index == 1)
        #expect(document.demonstration(containing: 0) == nil)
    }

    @Test func moreYAMLErrors() {
        guard case .yamlSyntax(let message, let at) = yamlError("a: 1\rb: 2") else { Issue.record("lone CR"); return }
        #expect(message.contains("carriage return"))
        #expect(at.start.offset == 4)
        guard case .yamlSyntax(let leading, _) = yamlError("a: |\n     \n  text\n") else { Issue.record("leading blank"); return }
        #expect(leading.contains("leading empty line"))
        guard case .yamlSyntax = yamlError("a: |0\n  x") else { Issue.record("indentation 0"); return }
        guard case .yamlSyntax = yamlError("a: [1, |\n  x]") else { Issue.record("block scalar in flow"); return }
        guard case .yamlSyntax = yamlError("- a\nb: 1") else { Issue.record("sequence then mapping"); return }
        guard case .yamlSyntax = yamlError("a: \"x\"#c") else { Issue.record("comment without space"); return }
    }
}
