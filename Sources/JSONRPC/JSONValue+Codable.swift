extension JSONValue: Codable {
    /// Decodes any JSON value. From `JSONValueDecoder` the value arrives unchanged; from other
    /// decoders (Foundation's `JSONDecoder`) the kinds are tried in the order null, boolean,
    /// integer, double, string, array, object.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { self = .null; return }
            if let b = try? container.decode(Bool.self) { self = .bool(b); return }
            if let i = try? container.decode(Int64.self) { self = .integer(i); return }
            if let d = try? container.decode(Double.self) { self = .double(d); return }
            if let s = try? container.decode(String.self) { self = .string(s); return }
            if let a = try? container.decode([JSONValue].self) { self = .array(a); return }
            if let o = try? container.decode([String: JSONValue].self) { self = .object(o); return }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                debugDescription: "not a json value"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .integer(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }

    /// The JSON value of an `Encodable` value (see `JSONValueEncoder`).
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONValueEncoder().encode(value)
    }

    /// Decodes this value as `type` (see `JSONValueDecoder`); throws `JSONRPCError.decodingFailed`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONValueDecoder().decode(type, from: self)
    }
}
