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
