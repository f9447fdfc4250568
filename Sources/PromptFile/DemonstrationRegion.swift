/// The span of the file VSynth owns: from its opening marker to its closing marker.
public struct DemonstrationRegion: Sendable, Equatable {
    /// From the start of the opening marker to the end of the closing marker.
    public var range: SourceRange
    public var openMarker: SourceRange
    public var closeMarker: SourceRange
    /// Between the two markers.
    public var content: SourceRange
}
