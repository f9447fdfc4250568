import Testing
@testable import PromptFile

/// `vsynth.frame`: the V-Score frame a file is scored and prompted in, one of the known templates.
@Suite struct FrameSettingTests {
    @Test func knownFramesAreRead() {
        for name in ["chatml", "llama3", "gemma", "plain"] {
            let document = dotprompt("vsynth.task: T\nvsynth.frame: \(name)", "body")
            #expect(document.errors.isEmpty)
            #expect(document.settings.frame?.rawValue == name)
        }
        #expect(dotprompt("vsynth.task: T", "body").settings.frame == nil)
    }

    @Test func anUnknownFrameIsALocatedError() {
        let document = dotprompt("vsynth.task: T\nvsynth.frame: mistral", "body")
        #expect(document.errors.map(\.message) == ["setting 'vsynth.frame' must be one of chatml | llama3 | gemma | plain, found 'mistral'"])
        #expect(document.errors.first?.range?.start.line == 2)
        #expect(document.errors.first?.range?.start.utf8Column == 14)
        #expect(document.settings.frame == nil)
    }
}
