/// The task definition T and where it came from.
public struct TaskDefinition: Sendable, Equatable {
    public enum Source: String, Sendable, Codable {
        /// `vsynth.task` (or its dotted / `ext` forms).
        case vsynthTask = "vsynth.task"
        /// Dotprompt's `description`, used when `vsynth.task` is absent.
        case description
    }

    /// T, with leading and trailing whitespace removed.
    public var text: String
    /// Where the YAML value is written.
    public var range: SourceRange
    public var source: Source
}
