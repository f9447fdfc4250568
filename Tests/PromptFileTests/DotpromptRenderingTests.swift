import Testing
@testable import PromptFile

/// Demonstrations read as a Dotprompt runtime renders them, and a typo that breaks one
/// demonstration only. The expected texts are what dotpromptz 0.2.0 renders for these bodies
/// (scripts/dotprompt-compat.sh checks the examples against it).
@Suite struct DotpromptRenderingTests {
    @Test func commentsAreRemovedAsTheRuntimeRendersThemAndExpressionsWarnedAt() throws {
        let body = """
        {{!-- vsynth:demos --}}
        {{role "user"}}
        Great {{! inline }}kettle.
        {{! standalone: the whole line goes }}
        second line
          {{!-- a long
          comment --}}
        third {{review}} line
        {{role "model"}}
        positive {{!-- trailing --}}
        {{!-- /vsynth:demos --}}
        {{role "user"}}
        {{review}}

        """
        let document = dotprompt("vsynth.task: T", body)
        #expect(document.errors.isEmpty, "\(document.errors)")
        let demonstration = try #require(document.demonstrations.first)
        #expect(demonstration.user.text == "Great kettle.\nsecond line\nthird {{review}} line")
        #expect(demonstration.model.text == "positive")
        // The source range still covers the text as written, comments included.
        #expect(document.text(in: demonstration.user.range).hasPrefix("Great {{! inline }}kettle."))
        // The expression inside the demonstration gets a warning at its position; the one after
        // the region (the real input) is none of VSynth's business.
        let warnings = document.warnings.filter { $0.error.code == "template-expression" }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.range?.start.line == 10)
        #expect(warning.range?.start.utf8Column == 6)
        #expect(warning.message.contains("'{{review}}'"))
        #expect(warning.message.contains("substitutes"))
        #expect(document.scorableDemonstrations.count == 1, "a warning does not stop scoring")
    }

    @Test func aTypoInOneTurnTagBreaksThatDemonstrationOnly() throws {
        let demos = [("one", "1"), ("two", "2"), ("three", "3")]
        func body(_ middleUserTag: String) -> String {
            let turns = demos.enumerated().map { index, demo in
                "\(index == 1 ? middleUserTag : "{{role \"user\"}}")\n\(demo.0)\n{{role \"model\"}}\n\(demo.1)\n"
            }
            return "{{!-- vsynth:demos --}}\n" + turns.joined(separator: "\n") + "{{!-- /vsynth:demos --}}\n"
        }
        for typo in ["{{role \"usr\"}}", "{{role \"user}}", "{{ role user }}"] {
            let document = dotprompt("vsynth.task: T", body(typo))
            // One error, at the bad tag (line 7 of the body, after the 3 frontmatter lines).
            #expect(document.errors.count == 1, "\(typo): \(document.errors)")
            let error = try #require(document.errors.first)
            #expect(error.range?.start.line == 9)
            #expect(error.range?.start.utf8Column == 0)
            // The neighbours keep their exact text (the first one's answer does not swallow the tag).
            #expect(document.scorableDemonstrations.map(\.demonstration)
                    == [Demonstration(input: "one", output: "1"), Demonstration(input: "three", output: "3")], "\(typo)")
        }
        // A bad tag between the user and the model turn: the pair is read, but not scored.
        let inside = dotprompt("vsynth.task: T", body("{{role \"user\"}}\ntwo\n{{role \"sytem\"}}"))
        #expect(inside.demonstrations.count == 3)
        #expect(inside.errors.map(\.error.code) == ["unexpected-role"])
        #expect(inside.scorableDemonstrations.map(\.index) == [0, 2])
    }

    @Test func anErrorOutsideTheRegionStopsAllScoring() {
        let document = dotprompt("vsynth.task: T\nvsynth.count: many", "{{!-- vsynth:demos --}}\n{{role \"user\"}}\na\n{{role \"model\"}}\nb\n{{!-- /vsynth:demos --}}\n")
        #expect(document.demonstrations.count == 1)
        #expect(document.hasErrors)
        #expect(document.scorableDemonstrations.isEmpty)
        let clean = dotprompt("vsynth.task: T", "{{!-- vsynth:demos --}}\n{{role \"user\"}}\na\n{{role \"model\"}}\nb\n{{!-- /vsynth:demos --}}\n")
        #expect(clean.scorableDemonstrations == clean.demonstrations)
    }

    @Test func refreshFalseMeansOffAndTrueIsAnError() throws {
        // PyYAML (dotpromptz) reads `refresh: off` as false; a file written for it says false.
        let off = dotprompt("vsynth.task: T\nvsynth.refresh: false", "")
        #expect(off.errors.isEmpty, "\(off.errors)")
        #expect(off.settings.refresh == .off)
        let on = dotprompt("vsynth.task: T\nvsynth.refresh: true", "")
        let error = try #require(on.errors.first)
        #expect(error.error.code == "setting-type")
        #expect(error.message.contains("false, meaning off"))
        #expect(dotprompt("vsynth.task: T\nvsynth.refresh: off", "").settings.refresh == .off)
    }

    @Test func aRoleNotInLowercaseIsWarnedAtItsTag() throws {
        // dotpromptz 0.2.0 reads `{{role "USER"}}` as no turn at all: its text joins the turn before.
        let body = "{{!-- vsynth:demos --}}\n{{role \"user\"}}\na\n{{role \"model\"}}\nb\n{{role \"USER\"}}\nc\n{{ role 'Model' }}\nd\n{{!-- /vsynth:demos --}}\n"
        let document = dotprompt("vsynth.task: T", body)
        #expect(document.errors.isEmpty, "\(document.errors)")
        let warnings = document.warnings.filter { $0.error.code == "role-not-lowercase" }
        #expect(warnings.map { $0.range?.start.line } == [8, 10])
        #expect(warnings.map { $0.range?.start.utf8Column } == [0, 0])
        let first = try #require(warnings.first)
        #expect(first.message.contains("'{{role \"USER\"}}'"))
        #expect(first.message.contains("see no turn here"))
        #expect(first.message.contains("write '{{role \"user\"}}'"))
        #expect(warnings.last?.message.contains("write '{{role \"model\"}}'") == true)
        // Lowercase tags, and Markdown headings (any case is fine there), get no such warning.
        #expect(dotprompt("vsynth.task: T", "{{!-- vsynth:demos --}}\n{{role \"user\"}}\na\n{{role 'model'}}\nb\n{{!-- /vsynth:demos --}}\n")
            .warnings.isEmpty)
    }
}
