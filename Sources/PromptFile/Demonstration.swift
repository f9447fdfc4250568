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

/// A turn of a demonstration as found in the file.
public struct Turn: Sendable, Equatable {
    public enum Role: String, Sendable, Codable { case user, model }

    public var role: Role
    /// The turn's text (X or Y), trimmed as the format reference says.
    public var text: String
    /// Where the text is (empty range at the tag's end when the turn is empty).
    public var range: SourceRange
    /// Where the `{{role "…"}}` tag or the `### User` / `### Model` heading is.
    public var tagRange: SourceRange
}

/// A demonstration as found in the file: its two turns and where it lies.
public struct ParsedDemonstration: Sendable, Equatable {
    /// 0-based position in the region.
    public var index: Int
    public var user: Turn
    public var model: Turn
    /// From the start of the user tag to the end of the model turn's text.
    public var range: SourceRange

    /// The demonstration's X and Y.
    public var demonstration: Demonstration { Demonstration(input: user.text, output: model.text) }
}

/// The span of the file VSynth owns: from its opening marker to its closing marker.
public struct DemonstrationRegion: Sendable, Equatable {
    /// From the start of the opening marker to the end of the closing marker.
    public var range: SourceRange
    public var openMarker: SourceRange
    public var closeMarker: SourceRange
    /// Between the two markers.
    public var content: SourceRange
}

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
