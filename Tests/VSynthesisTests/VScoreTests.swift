import LanguageModel
import Testing
@testable import VSynthesis
import PromptFile

@Suite struct VScoreTests {
    @Test func frameStringsMatchDesign() {
        let frame = VScoreFrame(template: .chatML)
        #expect(frame.context(task: "Say hi.") == "<|im_start|>system\nSay hi.<|im_end|>\n")
        #expect(frame.nullContext == "<|im_start|>system\n<|im_end|>\n")
        let d = DemonstrationFormat(inputLabel: "Tweet", outputLabel: "Label").demonstration(input: "So fun.", output: "sarcastic")
        #expect(frame.text(of: d) ==
            "<|im_start|>user\nTweet: So fun.<|im_end|>\n<|im_start|>assistant\nLabel: sarcastic<|im_end|>\n")
        #expect(frame.name == "chatml-system-v1")
    }

    @Test func formatRoundTripsValues() {
        let format = DemonstrationFormat(inputLabel: "Number", outputLabel: "Roman")
        let d = format.demonstration(input: "4", output: "IV")
        #expect(d == Demonstration(input: "Number: 4", output: "Roman: IV"))
        #expect(format.values(of: d) == ("4", "IV"))
        let bare = DemonstrationFormat(inputLabel: "", outputLabel: "")
        #expect(bare.demonstration(input: "x", output: "y") == Demonstration(input: "x", output: "y"))
        // Prompt files: the labels describe the format to the model, the turns stay bare.
        let file = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment", labelledTurns: false)
        #expect(file.demonstration(input: "Great.", output: "positive") == Demonstration(input: "Great.", output: "positive"))
        #expect(file.values(of: Demonstration(input: "Review: x", output: "y")) == ("Review: x", "y"))
        #expect(CandidateParser(format: file).demonstrations(in: "Review: Great.\nSentiment: positive")
                == [Demonstration(input: "Great.", output: "positive")])
    }

    @Test func combinesBothTerms() throws {
        let task = ContinuationScore(tokenLogprobs: [-1, -2, -0.5], tokenTexts: ["a", "b", "c"])
        let null = ContinuationScore(tokenLogprobs: [-2, -2.5, -3], tokenTexts: ["a", "b", "c"])
        let v = try VScore(task: task, null: null)
        #expect(v.logpTask == -3.5)
        #expect(v.logpNull == -7.5)
        #expect(v.total == 4)
        #expect(abs(v.perToken - 4.0 / 3) < 1e-12)
        #expect(abs(v.logpTaskPerToken - (-3.5 / 3)) < 1e-12)
        #expect(v.tokenDeltas == [1, 0.5, 2.5])
        #expect(v.tokenTexts == ["a", "b", "c"])
    }

    @Test func rejectsMismatchedOrEmptyScores() {
        let three = ContinuationScore(tokenLogprobs: [-1, -1, -1], tokenTexts: ["a", "b", "c"])
        let two = ContinuationScore(tokenLogprobs: [-1, -1], tokenTexts: ["a", "b"])
        #expect(throws: VSynthesisError.self) { try VScore(task: three, null: two) }
        let empty = ContinuationScore(tokenLogprobs: [], tokenTexts: [])
        #expect(throws: VSynthesisError.emptyDemonstration(index: 0)) { try VScore(task: empty, null: empty) }
    }
}
