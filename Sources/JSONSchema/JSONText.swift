/// Writing JSON text by hand: this module depends on nothing, and the schema's JSON form must keep
/// properties in the order written (a dictionary would not).
public enum JSONText {
    /// `text` as a JSON string literal, with the minimal escapes RFC 8259 requires.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension Schema {
    /// The schema in JSON Schema form (draft 2020-12 keywords), for remote backends' constrained
    /// decoding (`response_format`, `json_schema`, Ollama's `format`). Objects list `required` and
    /// `additionalProperties` explicitly, so that servers generate exactly what the validator accepts.
    public var jsonSchema: String {
        var members: [String] = []
        func type(_ name: String) -> String {
            nullable ? "\"type\":[\"\(name)\",\"null\"]" : "\"type\":\"\(name)\""
        }
        switch kind {
        case .any: break
        case .string:
            members.append(type("string"))
            if let maxLength { members.append("\"maxLength\":\(maxLength)") }
        case .number: members.append(type("number"))
        case .integer: members.append(type("integer"))
        case .boolean: members.append(type("boolean"))
        case .null: members.append("\"type\":\"null\"")
        case .enumeration(let values):
            let all = nullable && !values.contains(.null) ? values + [.null] : values
            members.append("\"enum\":[" + all.map(\.json).joined(separator: ",") + "]")
        case .array(let items):
            members.append(type("array"))
            members.append("\"items\":" + items.jsonSchema)
            if let maxItems { members.append("\"maxItems\":\(maxItems)") }
        case .object(let properties, let additional):
            members.append(type("object"))
            members.append("\"properties\":{" + properties.map { JSONText.quoted($0.name) + ":" + $0.schema.jsonSchema }
                .joined(separator: ",") + "}")
            members.append("\"required\":[" + properties.filter(\.required).map { JSONText.quoted($0.name) }
                .joined(separator: ",") + "]")
            members.append("\"additionalProperties\":\(additional)")
        }
        if let description { members.append("\"description\":" + JSONText.quoted(description)) }
        return "{" + members.joined(separator: ",") + "}"
    }
}
