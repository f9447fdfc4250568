import Foundation

/// A JSON text nested as a value inside an `Encodable` report (the schemas `vsynth parse --json`
/// shows are written once, by `Schema.jsonSchema`, and re-encoded here rather than written twice).
/// Object keys come out in the encoder's order (sorted for `vsynth --json`), not the text's.
public indirect enum EmbeddedJSON: Sendable, Codable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([EmbeddedJSON])
    case object([String: EmbeddedJSON])

    /// The value of `text`; nil when it is not JSON.
    public init?(text: String) {
        guard let value = try? JSONDecoder().decode(EmbeddedJSON.self, from: Data(text.utf8)) else { return nil }
        self = value
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([EmbeddedJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: EmbeddedJSON].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Integers (maxItems, enum values written as 1) stay integers in the output.
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}
