/// What can be wrong when a schema is turned into a grammar.
public enum JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An object with more properties, or an enum with more values, than the matcher tracks.
    case tooManyAlternatives(count: Int, limit: Int)

    public var description: String {
        switch self {
        case let .tooManyAlternatives(count, limit):
            return "schema: \(count) properties or enum values in one place; at most \(limit) are supported"
        }
    }
}
