/// The shape of a JSON value a prompt file declares for its input or output (Dotprompt's
/// `input.schema` / `output.schema`, written in Picoschema or JSON Schema; both read into this).
///
/// Only what VSynth checks and generates under: types, object properties (in the order written,
/// required or optional), array items, enums, nullability and descriptions. Other JSON Schema
/// keywords are ignored, so a schema here accepts at least what the user's schema accepts of them.
public struct Schema: Sendable, Hashable, Codable {
    public indirect enum Kind: Sendable, Hashable, Codable {
        /// Any JSON value.
        case any
        case string
        case number
        /// A number without fraction or exponent.
        case integer
        case boolean
        case null
        /// One of these values exactly.
        case enumeration([SchemaLiteral])
        case array(items: Schema)
        /// `additionalProperties`: whether keys beyond `properties` are allowed (with any value).
        case object(properties: [SchemaProperty], additionalProperties: Bool)
    }

    public var kind: Kind
    /// `null` is accepted besides `kind` (Picoschema's optional fields, JSON Schema's `["T", "null"]`).
    public var nullable: Bool
    public var description: String?
    /// JSON Schema's `maxItems` for an array: at most this many items.
    public var maxItems: Int?
    /// JSON Schema's `maxLength` for a string: a bound on generated strings (in bytes as written);
    /// validation leaves it to the full schema, since it counts characters.
    public var maxLength: Int?

    public init(_ kind: Kind, nullable: Bool = false, description: String? = nil, maxItems: Int? = nil,
                maxLength: Int? = nil) {
        self.kind = kind
        self.nullable = nullable
        self.description = description
        self.maxItems = maxItems
        self.maxLength = maxLength
    }

    /// An object whose keys are exactly `properties` (Picoschema's default).
    public static func object(_ properties: [SchemaProperty], additionalProperties: Bool = false) -> Schema {
        Schema(.object(properties: properties, additionalProperties: additionalProperties))
    }

    public static func array(_ items: Schema, maxItems: Int? = nil) -> Schema {
        Schema(.array(items: items), maxItems: maxItems)
    }

    /// An enum of strings.
    public static func enumeration(_ values: [String]) -> Schema { Schema(.enumeration(values.map(SchemaLiteral.string))) }

    /// The type in words, for messages: "a string", "an object", "one of a, b".
    public var kindDescription: String {
        let base: String
        switch kind {
        case .any: base = "any value"
        case .string: base = "a string"
        case .number: base = "a number"
        case .integer: base = "an integer"
        case .boolean: base = "a boolean"
        case .null: base = "null"
        case .enumeration(let values): base = "one of " + values.map(\.json).joined(separator: ", ")
        case .array: base = "an array"
        case .object: base = "an object"
        }
        return nullable && kind != .null ? base + " or null" : base
    }
}

/// One property of an object schema.
public struct SchemaProperty: Sendable, Hashable, Codable {
    public var name: String
    public var schema: Schema
    public var required: Bool

    public init(_ name: String, _ schema: Schema, required: Bool = true) {
        self.name = name
        self.schema = schema
        self.required = required
    }
}

/// A scalar value an enum lists.
public enum SchemaLiteral: Sendable, Hashable, Codable {
    case string(String)
    /// A number as written (`1`, `2.5`), so that it is matched exactly as listed.
    case number(String)
    case bool(Bool)
    case null

    /// The value as JSON text: how it must be written in a JSON document to match.
    public var json: String {
        switch self {
        case .string(let text): return JSONText.quoted(text)
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }
}
