import LanguageModel
import PromptFile

/// Builds the strings of the V-Score frame (README, "Frames") from a chat template:
/// `context(T) = systemTurn(T)`, `context(∅) = systemTurn("")`,
/// `D = userTurn(X, afterSystem: true) + assistantTurn(Y)`. Context and D are scored as separate
/// texts, so D's tokens are the same under both contexts; the engine puts BOS before the context
/// when the model adds one.
public struct VScoreFrame: Hashable, Sendable {
    public var template: ChatTemplate
    /// The labels the plain frame writes before X and Y (`Input: …`) when the turns are bare values
    /// (prompt files): a base model sees an example only as labelled lines. Nil: the turns as given.
    public var labels: Labels?

    public struct Labels: Hashable, Sendable {
        public var input: String
        public var output: String
    }

    public init(template: ChatTemplate) {
        self.template = template
    }

    /// Names the frame in reports, beside every score (scores under different frames are not
    /// comparable); the names of the reference script's `--json` output.
    public var name: String { template.name == "chatml" ? "chatml-system-v1" : "\(template.name)-v1" }

    /// Names the frame in the score cache: `name`, and the labels when the frame writes them.
    public var cacheName: String {
        guard let labels else { return name }
        return "\(name)(\(labels.input)|\(labels.output))"
    }

    /// This frame for demonstrations written in `format`: the plain frame labels bare turns.
    public func labelling(_ format: DemonstrationFormat) -> VScoreFrame {
        var frame = self
        frame.labels = template.kind == .plain && !format.labelledTurns
            ? Labels(input: format.promptInputLabel, output: format.promptOutputLabel) : nil
        return frame
    }

    /// `context(T)`: the task definition as the system turn.
    public func context(task: String) -> String { template.systemTurn(task) }

    /// `context(∅)`: an empty system turn.
    public var nullContext: String { template.systemTurn("") }

    /// `D`: the user turn X followed by the model turn Y.
    public func text(of demonstration: Demonstration) -> String {
        var input = demonstration.input, output = demonstration.output
        if let labels {
            input = DemonstrationFormat.labelled(labels.input, input)
            output = DemonstrationFormat.labelled(labels.output, output)
        }
        return template.userTurn(input, afterSystem: true) + template.assistantTurn(output)
    }
}
