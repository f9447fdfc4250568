import Testing
@testable import PromptFile

/// `vsynth.labels`: the task's label set, with errors located at the offending value.
@Suite struct LabelSettingTests {
    @Test func listOfLabelsIsRead() {
        let block = dotprompt("vsynth:\n  task: T\n  labels:\n    - positive\n    - negative", "body")
        #expect(block.errors.isEmpty)
        #expect(block.settings.labels == ["positive", "negative"])
        let flow = dotprompt("vsynth.task: T\nvsynth.labels: [spam, ham]", "body")
        #expect(flow.settings.labels == ["spam", "ham"])
        #expect(flow.settings.ranges["labels"] != nil)
        #expect(dotprompt("vsynth.task: T", "body").settings.labels == nil)
    }

    @Test func errorsPointAtTheValue() throws {
        let text = "vsynth.task: T\nvsynth.labels: positive"
        let notList = dotprompt(text, "body")
        #expect(errorCodes(notList) == ["setting-type"])
        #expect(notList.errors[0].message == "setting 'vsynth.labels' must be a list of strings, found a string")
        #expect(notList.errors[0].range?.start.line == 2)
        #expect(notList.errors[0].range?.start.utf8Column == 15)

        let badItem = dotprompt("vsynth.task: T\nvsynth.labels: [yes, 3]", "body")
        #expect(badItem.errors.map(\.message) == ["setting 'vsynth.labels[1]' must be a string, found an integer"])
        #expect(badItem.errors[0].range?.start.utf8Column == 21)

        let repeated = dotprompt("vsynth.task: T\nvsynth.labels: [spam, Spam]", "body")
        #expect(repeated.errors.map(\.message) == ["setting 'vsynth.labels[1]' repeats the label 'Spam'"])
        #expect(repeated.errors[0].range?.start.utf8Column == 22)

        let one = dotprompt("vsynth.task: T\nvsynth.labels: [only]", "body")
        #expect(one.errors.map(\.message) == ["setting 'vsynth.labels' must list at least two labels, found 1"])
        #expect(one.settings.labels == nil)
    }
}
