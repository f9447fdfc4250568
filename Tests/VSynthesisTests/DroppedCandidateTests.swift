import Foundation
import LanguageModel
import TestSupport
import Testing
@testable import VSynthesis

/// Every drop is listed with what was written: unparseable generations with the step that failed
/// and why, ambiguous labels with their lead, beside the filter's reasons.
@Suite struct DroppedCandidateTests {
    @Test func unparseableGenerationsShowWhatWasWrittenAndWhy() async throws {
        let format = DemonstrationFormat(inputLabel: "Email", outputLabel: "Summary", labelledTurns: false)
        var options = SynthesisOptions()
        options.scale = 3
        options.count = 3
        options.maxTokens = 40
        let result = try await Synthesizer(model: RunOnModel()).synthesize(definition: "Summarize the email.",
                                                                          format: format, options: options)
        #expect(result.drops[.unparseable] == 2, "\(result.drops.counts)")
        #expect(result.dropped.count == result.drops.counts.values.reduce(0, +), "one entry per drop")
        let unparseable = result.dropped.filter { $0.reason == .unparseable }
        let runOn = try #require(unparseable.first { $0.detail == "hit the 40-token limit writing Email" },
                                 "\(unparseable)")
        #expect(format.values(of: runOn.demonstration) == (input: "Dear Bo,\nand on and on", output: ""))
        let empty = try #require(unparseable.first { $0.detail == "wrote nothing for Summary" }, "\(unparseable)")
        #expect(format.values(of: empty.demonstration).input.hasPrefix("Dear "))
        #expect(result.dropped.allSatisfy { ($0.reason == .unparseable) == ($0.detail != nil) })
    }

    @Test func ambiguousLabelsShowTheirBestLabelAndLead() async throws {
        let format = DemonstrationFormat(inputLabel: "Review", outputLabel: "Verdict", labelledTurns: false,
                                         labels: ["good", "poor"])
        var options = SynthesisOptions()
        options.scale = 2
        options.count = 2
        options.labelMargin = 0.5
        options.maxAttemptsPerDemonstration = 2
        let result = try await Synthesizer(model: RunOnModel()).synthesize(definition: "Is the review good or poor?",
                                                                          format: format, options: options)
        // Equal-length labels score alike under the model: every label is a guess.
        let ambiguous = result.dropped.filter { $0.reason == .ambiguous }
        #expect(!ambiguous.isEmpty && ambiguous.count == result.drops[.ambiguous], "\(result.drops.counts)")
        for entry in ambiguous {
            #expect(entry.detail == "leads the next label by 0.00 nats, under the margin 0.5")
            #expect(["good", "poor"].contains(format.values(of: entry.demonstration).output))
        }
    }
}

/// Writes numbered emails and summaries, like FieldModel, except that its first email runs past the
/// token limit and its first summary is empty, as a small model's sometimes are. Every text scores
/// −1 a character, so labels of one length tie.
final class RunOnModel: LanguageModel, @unchecked Sendable {
    let identity = ModelIdentity(backend: "test", model: "run-on", revision: "1")
    let template = ChatTemplate.chatML
    private let lock = NSLock()
    private var emails = 0, summaries = 0

    func tokenize(_ text: String) async throws -> [Int32] { text.unicodeScalars.map { Int32($0.value) } }

    func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        continuations.map { ContinuationScore(tokenLogprobs: $0.map { _ in -1 }, tokenTexts: $0.map(String.init)) }
    }

    func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        if prompt.hasSuffix("Summary:") {
            let n = lock.withLock { summaries += 1; return summaries }
            if n == 1 { return Generation(text: " \n", tokenCount: 1, finishReason: .stop) }
            return Generation(text: " \(DistinctWords.word(n * 5)) meeting \(n)", tokenCount: 4, finishReason: .stop)
        }
        let n = lock.withLock { emails += 1; return emails }
        if n == 1 { return Generation(text: " Dear Bo,\nand on and on", tokenCount: options.maxTokens, finishReason: .length) }
        return Generation(text: " Dear \(DistinctWords.word(n * 3)),\nsee you at \(n).\nAnn", tokenCount: 12, finishReason: .stop)
    }
}
