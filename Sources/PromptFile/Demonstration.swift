/// One few-shot demonstration: the user turn's text X and the model turn's text Y, exactly as
/// they appear in the prompt (see docs/prompt-files.md for the trimming rule).
public struct Demonstration: Sendable, Hashable, Codable {
    /// X, the user turn.
    public var input: String
    /// Y, the model turn.
    public var output: String

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}
