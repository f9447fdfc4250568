import PromptFile
import Testing
@testable import VSynthesis

/// The `leak` drop reason: an input that gives its answer away teaches the model to read the answer
/// off the input, which the real input never offers.
@Suite struct LeakFilterTests {
    let labels = ["positive", "negative", "neutral"]

    @Test func inputNamingItsOwnLabelLeaks() {
        #expect(CandidateFilter.leaks(input: "Works great, would buy again. Positive.", output: "positive",
                                      outputLabel: "Sentiment", labels: labels))
        #expect(CandidateFilter.leaks(input: "A NEUTRAL take: it is fine", output: "neutral",
                                      outputLabel: "Sentiment", labels: labels))
        // Another label named in passing is not its answer.
        #expect(!CandidateFilter.leaks(input: "Not negative at all, I loved it", output: "positive",
                                       outputLabel: "Sentiment", labels: labels))
        // Word boundary: "positively" is not the label.
        #expect(!CandidateFilter.leaks(input: "I was positively surprised", output: "positive",
                                       outputLabel: "Sentiment", labels: labels))
    }

    @Test func answerLineInsideTheInputLeaks() {
        // The label suffix leaks even when it names a different label than the output.
        #expect(CandidateFilter.leaks(input: "Broke after a day. Sentiment: negative", output: "positive",
                                      outputLabel: "Sentiment", labels: labels))
        #expect(CandidateFilter.leaks(input: "What is 2+2? Answer: 4", output: "4", outputLabel: "Answer", labels: []))
    }

    @Test func freeTextOutputLeaksOnlyAtTheEnd() {
        #expect(CandidateFilter.leaks(input: "Capital of France? Paris.", output: "Paris", outputLabel: "Output", labels: []))
        // Extraction copies its answer out of the input: not a leak.
        #expect(!CandidateFilter.leaks(input: "Meet Ann Lee at noon in room 4.", output: "Ann Lee",
                                       outputLabel: "Name", labels: []))
        #expect(!CandidateFilter.leaks(input: "hello", output: "bonjour", outputLabel: "French", labels: []))
    }

    @Test func filterDropsLeaksWithTheirReason() {
        let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment", labelledTurns: false, labels: labels)
        var filter = CandidateFilter(task: "Classify the sentiment.", format: format)
        #expect(filter.judge(Demonstration(input: "Terrible battery life, negative overall.", output: "negative")) == .leak)
        #expect(filter.judge(Demonstration(input: "Terrible battery life.", output: "negative")) == nil)
        #expect(filter.judge(Demonstration(input: "Negative.", output: "positive")) == .invalid)
        #expect(DropReason(rawValue: "leak") == .leak)
    }
}
