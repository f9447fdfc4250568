import Foundation
import Support
import Testing
@testable import PromptFile

@Suite struct BadInputTests {
    @Test func invalidUTF8NamesTheByteOffset() {
        let bytes = Array("---\nvsynth.task: ok\n---\nhé".utf8) + [0xFF, 0x41]
        let document = PromptDocument(bytes: bytes, path: "bad.prompt")
        #expect(errorCodes(document) == ["invalid-utf8"])
        let range = document.errors[0].range!
        #expect(range.start.offset == bytes.count - 2)
        #expect(range.start.line == 3)
        #expect(range.start.utf8Column == 3)
        #expect(range.start.utf16Column == 2)
        #expect(document.errors[0].description == "bad.prompt:4:4: error: invalid utf-8 at byte offset \(bytes.count - 2)")
    }

    @Test func overlongAndSurrogateEncodingsAreInvalid() {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(errorCodes(PromptDocument(bytes: Array("ok ".utf8) + bad)) == ["invalid-utf8"], "\(bad)")
        }
    }

    @Test func randomBytesAreAnError() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let bytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let document = PromptDocument(bytes: bytes, path: "random.prompt")
            #expect(document.hasErrors)
        }
        #expect(errorCodes(PromptDocument(bytes: [0x61, 0x00, 0x62])) == ["control-character"])
    }

    @Test func truncatedFrontmatter() {
        let document = PromptDocument(text: "---\nvsynth.task: T\ncount: 3\n", path: "t.prompt")
        #expect(errorCodes(document) == ["unterminated-frontmatter"])
        #expect(document.errors[0].description.hasPrefix("t.prompt:1:1: error: frontmatter opened"))
        #expect(errorCodes(PromptDocument(text: "---")) == ["unterminated-frontmatter"])
    }

    @Test func yamlErrorsInFrontmatterCarryFilePositions() {
        let document = dotprompt("vsynth:\n  task: \"open\n  count: 3", "body")
        #expect(errorCodes(document) == ["yaml-unterminated"])
        #expect(document.errors[0].range?.start.line == 2)
        #expect(document.errors[0].range?.start.utf8Column == 8)
        let tabs = dotprompt("vsynth:\n\ttask: T", "")
        #expect(errorCodes(tabs) == ["yaml-tab-indentation"])
        #expect(tabs.errors[0].description == "test.prompt:3:1: error: yaml: tabs are not allowed for indentation")
        let duplicate = dotprompt("description: a\ndescription: b", "")
        #expect(errorCodes(duplicate) == ["yaml-duplicate-key"])
        #expect(duplicate.errors[0].range?.start.line == 2)
    }

    @Test func frontmatterMustBeAMapping() {
        #expect(errorCodes(dotprompt("- a\n- b", "")) == ["frontmatter-not-mapping"])
    }

    @Test func regionMarkerErrors() {
        let open = "{{!-- vsynth:demos --}}\n"
        let close = "{{!-- /vsynth:demos --}}\n"
        let turn = "{{role \"user\"}}\nx\n{{role \"model\"}}\ny\n"
        let cases: [(String, [String], Int)] = [
            (open + turn, ["unbalanced-marker"], 4),
            (turn + close, ["unbalanced-marker"], 8),
            (open + open + turn + close, ["nested-marker"], 5),
            (open + close + open + close, ["duplicate-region"], 6),
            (open + "{{role \"model\"}}\ny\n" + close, ["model-turn-without-user-turn"], 5),
            (open + "{{role \"user\"}}\nx\n" + close, ["user-turn-without-model-turn"], 5),
            (open + "{{role \"user\"}}\nx\n" + turn + close, ["user-turn-without-model-turn"], 5),
            (open + "stray\n" + turn + close, ["text-outside-turn"], 5),
            (open + "{{role \"system\"}}\nz\n" + turn + close, ["unexpected-role"], 5),
        ]
        for (body, codes, line) in cases {
            let document = dotprompt("vsynth.task: T", body)
            #expect(errorCodes(document) == codes, "\(body.debugDescription)")
            #expect(document.errors.first?.range?.start.line == line - 1, "\(body.debugDescription)")
        }
    }

    @Test func markdownRegionErrors() {
        let document = PromptDocument(text: "<!-- vsynth:demos -->\n### Model\n\ny\n<!-- /vsynth:demos -->\n", path: "m.prompt.md")
        #expect(errorCodes(document) == ["model-turn-without-user-turn"])
        #expect(errorCodes(PromptDocument(text: "<!-- /vsynth:demos -->\n", path: "m.prompt.md")) == ["unbalanced-marker"])
    }

    @Test func unknownMarkerAndEmptyTurnAreWarnings() {
        let document = dotprompt("vsynth.task: T", "{{!-- vsynth:demo --}}\n{{!-- vsynth:demos --}}\n{{role \"user\"}}\n{{role \"model\"}}\ny\n{{!-- /vsynth:demos --}}\n")
        #expect(document.errors.isEmpty)
        #expect(document.warnings.map(\.error.code) == ["unknown-marker", "empty-turn"])
    }

    @Test func theOtherFormatsMarkersAreWarnedAbout() {
        let document = dotprompt("vsynth.task: T", "<!-- vsynth:demos -->\n{{role \"user\"}}\nx\n<!-- /vsynth:demos -->\n")
        #expect(document.errors.isEmpty)
        #expect(document.region == nil)
        #expect(document.warnings.map(\.error.code) == ["other-format-marker", "other-format-marker"])
        #expect(document.warnings[0].message.contains("{{!-- vsynth:demos --}}"))
        let markdown = PromptDocument(text: "{{!-- vsynth:demos --}}\n", path: "x.prompt.md")
        #expect(markdown.warnings.map(\.error.code).contains("other-format-marker"))
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: PromptFileError.fileNotFound(path: "/no/such/file.prompt")) {
            try PromptDocument(contentsOfFile: "/no/such/file.prompt")
        }
        #expect(throws: PromptFileError.isDirectory(path: examplesDirectory.path)) {
            try PromptDocument(contentsOfFile: examplesDirectory.path)
        }
    }
}
