import Foundation
import LanguageModel
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// A labelled task's input step may not open with a label (`GenerationOptions.bannedOpenings`), on
/// the real model and the task where it mattered: asked for a news headline, SmolLM2-135M opened
/// with the label list ("Sports, Business, Science", "Sports News"), every such input was dropped as
/// a leak, and `data/icl.json`'s news-topic got no demonstrations in most seeds.
@Suite(.serialized) struct LabelOpeningModelTests {
    static let task = TaskDataset.Task(id: "news-topic", definition: "Classify the news headline by topic: sports, business, or science.",
                                       inputLabel: "Headline", outputLabel: "Topic", demos: [],
                                       labels: ["sports", "business", "science"])

    /// Whether `text` opens with one of the task's labels as a word.
    static func opensWithLabel(_ text: String) -> Bool {
        let first = TextStatistics.words(text).first ?? ""
        return task.labels!.contains(first)
    }

    static func inputs(bannedOpenings: [String], seeds: Range<UInt64>) async throws -> [String] {
        let model = try TestModel.model()
        let prompt = GenerationPrompt(template: model.template, task: task.definition, format: task.format)
        var texts: [String] = []
        for seed in seeds {
            let options = GenerationOptions(maxTokens: 40, temperature: 0.8, topP: 0.95, seed: seed,
                                            stop: prompt.stop(afterField: 0), bannedOpenings: bannedOpenings)
            texts.append(try await model.generate(prompt: prompt.inputPrompt(references: []), options: options).text)
        }
        return texts
    }

    @Test func theFirstRoundsInputsDoNotOpenWithALabel() async throws {
        let seeds: Range<UInt64> = 0..<8
        let free = try await Self.inputs(bannedOpenings: [], seeds: seeds)
        // Without the ban the model opens with a label almost every time (what the ban is for).
        #expect(free.filter(Self.opensWithLabel).count >= 6, "\(free)")
        let banned = try await Self.inputs(bannedOpenings: Self.task.labels!, seeds: seeds)
        #expect(!banned.contains(where: Self.opensWithLabel), "\(banned)")
        // A ban the generations never meet changes nothing, token for token.
        let unmet = try await Self.inputs(bannedOpenings: ["zebra"], seeds: seeds)
        #expect(unmet == free)
    }

    @Test func newsTopicGetsDemonstrations() async throws {
        var options = SynthesisOptions()
        options.count = 2
        options.scale = 3
        options.seed = 2
        let result = try await Synthesizer(model: try TestModel.model()).synthesize(
            definition: Self.task.definition, format: Self.task.format, options: options)
        #expect(result.selected.count == 2, "drops \(result.drops.counts)")
        for item in result.selected {
            #expect(!Self.opensWithLabel(item.demonstration.input), "\(item.demonstration.input)")
        }
    }
}
