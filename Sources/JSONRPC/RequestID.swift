/// The `id` of a JSON-RPC request: an integer or a string, as LSP allows.
///
/// `1` and `"1"` are different ids; a reply carries the id exactly as the request had it.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    case number(Int64)
    case string(String)

    /// The id in a message, or `nil` when `value` is not an integer or a string.
    public init?(_ value: JSONValue) {
        switch value {
        case .integer(let i): self = .number(i)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    /// The id as it appears in a message.
    public var jsonValue: JSONValue {
        switch self {
        case .number(let i): return .integer(i)
        case .string(let s): return .string(s)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let i = try? container.decode(Int64.self) {
            self = .number(i)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else {
            throw DecodingError.typeMismatch(RequestID.self, .init(codingPath: decoder.codingPath,
                debugDescription: "expected an integer or a string request id"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let i): try container.encode(i)
        case .string(let s): try container.encode(s)
        }
    }

    /// `5` or `"abc"`, as in JSON.
    public var description: String { jsonValue.serializedString() }
}
