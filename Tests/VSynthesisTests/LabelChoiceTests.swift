import Foundation
import LanguageModel
import Testing
@testable import VSynthesis

/// How a labelled task's output is chosen: by the label scores, calibrated by the scores after a
/// content-free input, so a label the model favours whatever the input does not win everywhere.
@Suite struct LabelChoiceTests {
    /// ln p(" label\n") = bias (sadness is favoured by 3 nats everywhere) + 2 when the text just
    /// before the output label names the label's cue word.
    final class BiasedModel: LanguageModel, @unchecked Sendable {
        let identity = ModelIdentity(backend: "test", model: "biased", revision: "1")
        let template = ChatTemplate.chatML
        let cues = ["joy": "party", "sadness": "funeral"]
        func tokenize(_ text: String) async throws -> [Int32] { [] }
        func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
            Generation(text: "", tokenCount: 0, finishReason: .stop)
        }
        func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
            let lastLine = context.split(separator: "\n").dropLast().last.map(String.init) ?? ""
            return continuations.map { continuation in
                let label = continuation.trimmingCharacters(in: .whitespacesAndNewlines)
                var value = label == "sadness" ? -1.0 : -4.0
                if let cue = cues[label], lastLine.contains(cue) { value += 2 }
                return ContinuationScore(tokenLogprobs: [value], tokenTexts: [continuation])
            }
        }
    }

    @Test func calibrationRemovesTheModelsFavouriteLabel() async throws {
        let format = DemonstrationFormat(inputLabel: "Text", outputLabel: "Emotion", labelledTurns: false,
                                         labels: ["joy", "sadness"])
        let prompt = GenerationPrompt(template: .chatML, task: "Name the emotion.", format: format)
        let synthesizer = Synthesizer(model: BiasedModel())
        var options = SynthesisOptions()
        options.labelStrategy = .argmax
        func label(_ input: String) async throws -> String {
            try await synthesizer.chooseLabel(context: prompt.outputPrompt(references: [], input: input),
                                              prior: prompt.outputPrompt(references: [], input: GenerationPrompt.contentFree),
                                              labels: format.labels, options: options, seed: 1)
        }
        // Uncalibrated, sadness (-1) would beat joy (-4 + 2) even at a party.
        #expect(try await label("We danced at the party") == "joy")
        #expect(try await label("Everyone cried at the funeral") == "sadness")
    }

    @Test func valuesEndWhereAnotherLabelledLineBegins() {
        #expect(GenerationPrompt.cleaned(" A friendly stranger\nEcho: A friendly stranger.") == "A friendly stranger")
        #expect(GenerationPrompt.cleaned(" Hi Bo,\nthe server moved: rack 4.\nRegards") == "Hi Bo,\nthe server moved: rack 4.\nRegards")
    }
}
