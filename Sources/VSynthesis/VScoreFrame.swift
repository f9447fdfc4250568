import LanguageModel
import PromptFile

/// Builds the strings of the V-Score frame (docs/method.md) from a chat template:
/// `context(T) = systemTurn(T)`, `context(∅) = systemTurn("")`,
/// `D = userTurn(X) + assistantTurn(Y)`. Context and D are scored as separate texts, so D's tokens
/// are the same under both contexts.
public struct VScoreFrame: Hashable, Sendable {
    public var template: ChatTemplate

    public init(template: ChatTemplate) {
        self.template = template
    }

    /// Names the frame in caches and reports; changes whenever the strings built here would.
    public var name: String { "\(template.name)-system-v1" }

    /// `context(T)`: the task definition as the system turn.
    public func context(task: String) -> String { template.systemTurn(task) }

    /// `context(∅)`: an empty system turn.
    public var nullContext: String { template.systemTurn("") }

    /// `D`: the user turn X followed by the model turn Y.
    public func text(of demonstration: Demonstration) -> String {
        template.userTurn(demonstration.input) + template.assistantTurn(demonstration.output)
    }
}
