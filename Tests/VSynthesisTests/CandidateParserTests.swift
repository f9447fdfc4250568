import LanguageModel
import Testing
@testable import VSynthesis
import PromptFile

@Suite struct CandidateParserTests {
    let format = DemonstrationFormat(inputLabel: "Tweet", outputLabel: "Label")

    @Test func readsLabelledPairs() {
        let parser = CandidateParser(format: format)
        let text = "Tweet: I love rain.\nLabel: sincere\n\nTweet: Oh joy, taxes.\nLabel:  sarcastic \nTweet: dangling"
        let pairs = parser.demonstrations(in: text)
        #expect(pairs == [Demonstration(input: "Tweet: I love rain.", output: "Label: sincere"),
                          Demonstration(input: "Tweet: Oh joy, taxes.", output: "Label: sarcastic")])
    }

    @Test func toleratesCaseLeadingSpaceAndMultilineValues() {
        let parser = CandidateParser(format: DemonstrationFormat(inputLabel: "Question", outputLabel: "SQL"))
        let text = " question: How many?\nsql: SELECT COUNT(*)\nFROM employees;\n\nnoise"
        #expect(parser.values(in: text).map { [$0.input, $0.output] } == [["How many?", "SELECT COUNT(*)\nFROM employees;"]])
    }

    @Test func unlabelledFormatUsesInputOutput() {
        let parser = CandidateParser(format: DemonstrationFormat(inputLabel: "", outputLabel: ""))
        #expect(parser.render(input: "a", output: "b") == "Input: a\nOutput: b")
        #expect(parser.demonstrations(in: "Input: a\nOutput: b") == [Demonstration(input: "a", output: "b")])
    }

    @Test func rejectsIncompleteText() {
        let parser = CandidateParser(format: format)
        #expect(parser.demonstrations(in: "").isEmpty)
        #expect(parser.demonstrations(in: "Sure! Here are some examples.").isEmpty)
        #expect(parser.demonstrations(in: "Tweet: only input").isEmpty)
        #expect(parser.demonstrations(in: "Tweet: x\nLabel:").isEmpty)
    }

    @Test func promptsGuideTheLayoutInTwoSteps() {
        let prompt = GenerationPrompt(template: .chatML, task: "Decide sarcasm.", format: format)
        let references = [(input: "Great, rain.", output: "sarcastic")]
        let text = prompt.inputPrompt(references: references)
        #expect(text.hasPrefix("<|im_start|>system\n"))
        #expect(text.contains("<|im_start|>user\nTask: Decide sarcasm.\n"))
        #expect(text.hasSuffix("<|im_start|>assistant\nTweet: Great, rain.\nLabel: sarcastic\n\nTweet:"))
        #expect(prompt.outputPrompt(references: references, input: "New one.") == text + " New one.\nLabel:")
        #expect(prompt.completion(input: "New one.", output: "sincere") == "Tweet: New one.\nLabel: sincere")
        #expect(prompt.stop == ["\n", "<|im_end|>"])
        #expect(prompt.inputPrompt(references: []).hasSuffix("<|im_start|>assistant\nTweet:"))
    }

    @Test func cleansGeneratedValues() {
        #expect(GenerationPrompt.cleaned("  \"Hello there\" ") == "Hello there")
        #expect(GenerationPrompt.cleaned(" it's 'fine'") == "it's 'fine'")
        #expect(GenerationPrompt.cleaned(" \"") == "\"")
        #expect(GenerationPrompt.cleaned("   ") == "")
        #expect(GenerationPrompt.cleaned(" 6. Shoplifter is a product.") == "Shoplifter is a product.")
        #expect(GenerationPrompt.cleaned(" 3.5 apples") == "3.5 apples")
        #expect(GenerationPrompt.cleaned(" 42") == "42")
    }
}

@Suite struct CandidateFilterTests {
    let format = DemonstrationFormat(inputLabel: "Word", outputLabel: "Synonym")

    @Test func countsEveryReason() {
        var filter = CandidateFilter(task: "Write a synonym of the given English word.", format: format)
        filter.remember(format.demonstration(input: "big", output: "large"))
        func judge(_ x: String, _ y: String) -> DropReason? { filter.judge(format.demonstration(input: x, output: y)) }
        #expect(judge("Big", "large.") == .duplicate)
        #expect(judge("happy", "glad") == nil)
        #expect(judge("happy", "glad") == .duplicate)
        #expect(judge("Write a synonym of the given English word.", "ok") == .copiesTask)
        #expect(judge("a synonym of the given English word", "x") == .copiesTask)
        #expect(judge("fast <|im_end|>", "quick") == .invalid)
        #expect(judge("fast\nWord: slow", "quick") == .invalid)
        // The output label mid-line in the input: the model writing the prompt's layout.
        #expect(judge("Example of the task: \"Synonym: swift\"", "rapid") == .invalid)
        #expect(judge("12.1, synonym: 12.1", "rapid") == .invalid)
        // Not inside another word, nor without its colon.
        #expect(judge("a homosynonym: rare word", "odd") == nil)
        #expect(judge("the synonym game", "play") == nil)
        #expect(judge("", "quick") == .invalid)
        #expect(judge("Neutral:", "neutral") == .invalid)
        #expect(judge("the very quick brown fox jumps", "over it") == nil)
        #expect(judge("the very quick brown fox jumps", "over it now") == .nearDuplicate)
    }

    /// The default threshold (0.6) catches the 135M model's near-copies that reached the chosen
    /// demonstrations under the former 0.8 with opposite labels (data/icl.json's movie-sentiment, seed 1).
    @Test func nearCopiesWithAnotherLabelAreNearDuplicatesByDefault() {
        let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment", labels: ["positive", "negative"])
        let task = "Classify the sentiment of the movie review as positive or negative."
        let first = format.demonstration(input: "But why did I have to watch it? It's not for me. I thought it was a fun movie.",
                                         output: "negative")
        let second = format.demonstration(input: "But why did I have to watch it? I thought it was a fun movie.", output: "positive")
        var loose = CandidateFilter(task: task, format: format, nearDuplicateThreshold: 0.8)
        #expect(loose.judge(first) == nil)
        #expect(loose.judge(second) == nil, "Jaccard 0.76 passed the former default")
        var filter = CandidateFilter(task: task, format: format)
        #expect(filter.judge(first) == nil)
        #expect(filter.judge(second) == .nearDuplicate)
        #expect(filter.judge(format.demonstration(input: "A fun movie with a weak ending.", output: "positive")) == nil)
    }

    @Test func dropCountsAddUp() {
        var drops = DropCounts()
        drops.add(.duplicate)
        drops.add(.duplicate)
        drops.add(.invalid)
        var other = DropCounts()
        other.add(.unparseable, 3)
        drops.merge(other)
        #expect(drops[.duplicate] == 2)
        #expect(drops[.unparseable] == 3)
        #expect(drops[.copiesTask] == 0)
        #expect(drops.total == 6)
    }
}
