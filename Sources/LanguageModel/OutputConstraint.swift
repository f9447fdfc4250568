import JSONSchema

/// A shape the generated text must have. The embedded engine samples under a grammar compiled from
/// it (so every output is valid by construction, and generation stops when the document is
/// complete); remote backends pass it to the server's own constrained decoding where there is one.
/// Either way callers validate the text again: a server may ignore the request.
public enum OutputConstraint: Hashable, Sendable, Codable {
    /// One JSON document that the schema accepts.
    case json(Schema)
}
