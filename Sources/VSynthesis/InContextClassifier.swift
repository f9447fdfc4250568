import LanguageModel
import PromptFile

/// A labelled task's in-context classifier, as `vsynth eval icl` measures it: the task T as the
/// system turn, the demonstrations as user/assistant turns, then the input as a user turn; a label's
/// score is ln p of that user turn and the label's assistant turn. The input's share is the same for
/// every label, so the argmax (and the softmax) over labels is that of ln p(label | T, demonstrations,
/// input). `DemonstrationOrder` probes orders with this same classifier, so it optimizes what the
/// accuracy measures.
struct InContextClassifier: Sendable {
    let model: any LanguageModel
    let template: ChatTemplate
    let definition: String
    let format: DemonstrationFormat
    let labels: [String]

    /// For every input, the score of each label in `labels`' order. One scoring call: T and the
    /// demonstrations are the shared context, and each input's label continuations start alike.
    /// `ranking`: the scores are only compared, never reported (`LanguageModel.rankingScore`).
    func labelScores(demonstrations: [Demonstration], inputs: [String], ranking: Bool = false) async throws -> [[Double]] {
        guard !inputs.isEmpty, !labels.isEmpty else { return inputs.map { _ in [] } }
        let prefix = template.systemTurn(definition)
            + demonstrations.enumerated().map { index, demonstration in
                template.userTurn(demonstration.input, afterSystem: index == 0) + template.assistantTurn(demonstration.output)
            }.joined()
        var continuations: [String] = []
        for input in inputs {
            let turns = format.demonstration(input: input, output: "")
            for label in labels {
                let answer = format.demonstration(input: input, output: label)
                continuations.append(template.userTurn(turns.input, afterSystem: demonstrations.isEmpty)
                                     + template.assistantTurn(answer.output))
            }
        }
        try Task.checkCancellation()
        let scores = ranking ? try await model.rankingScore(context: prefix, continuations: continuations)
                             : try await model.score(context: prefix, continuations: continuations)
        guard scores.count == continuations.count else {
            throw VSynthesisError.scoreCountMismatch(expected: continuations.count, got: scores.count)
        }
        return inputs.indices.map { item in
            (0..<labels.count).map { scores[item * labels.count + $0].total }
        }
    }
}
