import JSONSchema
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

    /// JSON labels of one enum property (`{"verdict": "spam"}`) say their value, not their key: an
    /// input ending "… this is spam" leaks, one that says "verdict" does not.
    @Test func jsonLabelsLeakByTheirValue() {
        let labels = [#"{"verdict": "spam"}"#, #"{"verdict": "ham"}"#]
        #expect(CandidateFilter.leaks(input: "WIN a free cruise now!!! Obviously spam.", output: labels[0],
                                      outputLabel: "Output", labels: labels))
        #expect(CandidateFilter.leaks(input: "Lunch at noon? Verdict: ham", output: labels[0],
                                      outputLabel: "Verdict", labels: labels))
        #expect(!CandidateFilter.leaks(input: "The jury reached a verdict today.", output: labels[1],
                                       outputLabel: "Output", labels: labels))
        #expect(CandidateFilter.answerWords(labels[0]) == ["spam"])
        #expect(CandidateFilter.answerWords("positive") == ["positive"])
    }

    /// A hand-written JSON output is its label whatever its spacing or key order.
    @Test func jsonOutputsAreTheLabelTheyEqual() {
        let format = DemonstrationFormat(inputLabel: "Message", outputLabel: "Output", labelledTurns: false,
                                         outputSchema: .object([SchemaProperty("verdict", .enumeration(["spam", "ham"])),]),
                                         labels: [#"{"verdict": "spam"}"#, #"{"verdict": "ham"}"#])
        #expect(format.label(of: #"{"verdict":"ham"}"#) == #"{"verdict": "ham"}"#)
        #expect(format.label(of: "{ \"verdict\" :\n \"spam\" }") == #"{"verdict": "spam"}"#)
        #expect(format.label(of: #"{"verdict": "eggs"}"#) == nil)
        #expect(format.label(of: "spam") == nil)
        let plain = DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment", labels: labels)
        #expect(plain.label(of: "positive") == "positive" && plain.label(of: " positive") == nil)
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
