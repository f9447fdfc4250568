import JSONSchema

/// Reads Dotprompt's `input.schema` / `output.schema` from the frontmatter, in either form:
///
/// - **Picoschema** (Dotprompt's compact YAML): `name: string, description`, `name?: …` (optional,
///   and nullable), `name(array): items`, `name(object): {…}`, `name(enum): [a, b]`, `(*): type`
///   (other keys allowed), scalar types `string number integer boolean null any`.
/// - **JSON Schema**: a mapping whose `type` is a JSON Schema type or that has `properties`, read for
///   `type` (a name or a list with `null`), `properties`, `required`, `enum`, `items`,
///   `additionalProperties` and `description`; other keywords are ignored. This form may also
///   appear inside a Picoschema field.
///
/// Every error names the field (`output.schema.when.day`) and sits on the value or key at fault.
struct SchemaReader {
    static let scalarTypes = ["string", "number", "integer", "boolean", "null", "any"]
    static let jsonSchemaTypes = scalarTypes.filter { $0 != "any" } + ["object", "array"]

    var problems: [PromptFileError] = []

    /// The schema `node` declares, or nil (with `problems`) when it is wrong.
    mutating func read(_ node: YAMLNode, name: String) -> Schema? {
        let schema = isJSONSchema(node) ? jsonSchema(node, name: name) : picoschema(node, name: name)
        guard let schema else { return nil }
        do {
            _ = try JSONGrammar(schema: schema)
        } catch {
            problems.append(.settingValue(key: name, problem: "is too large: \(error.description.dropFirst("schema: ".count))", at: node.range))
            return nil
        }
        return schema
    }

    func isJSONSchema(_ node: YAMLNode) -> Bool {
        if let type = node["type"]?.string, Self.jsonSchemaTypes.contains(type) { return true }
        if case .sequence = node["type"]?.value { return true }
        if node["properties"]?.entries != nil { return true }
        return false
    }

    // MARK: - Picoschema

    mutating func picoschema(_ node: YAMLNode, name: String) -> Schema? {
        switch node.value {
        case .string(let text):
            let (type, description) = Self.splitDescription(text)
            guard Self.scalarTypes.contains(type) else {
                problems.append(.settingValue(key: name, problem: "has an unknown type '\(type)' (expected one of \(Self.scalarTypes.joined(separator: ", ")), or a mapping of fields)", at: node.range))
                return nil
            }
            return Schema(Self.scalarKind(type), description: description)
        case .mapping(let entries):
            if isJSONSchema(node) { return jsonSchema(node, name: name) }
            var properties: [SchemaProperty] = []
            var additional = false
            for entry in entries {
                if entry.key == "(*)" {
                    additional = true
                    continue
                }
                guard let property = picoProperty(entry, parent: name) else { continue }
                if let earlier = properties.first(where: { $0.name == property.name }) {
                    problems.append(.settingValue(key: "\(name).\(earlier.name)", problem: "is declared twice", at: entry.keyRange))
                    continue
                }
                properties.append(property)
            }
            return .object(properties, additionalProperties: additional)
        default:
            problems.append(.settingType(key: name, expected: "a picoschema type (e.g. 'string') or a mapping of fields", found: node.kindDescription, at: node.range))
            return nil
        }
    }

    /// One `name?(type, description): value` field.
    mutating func picoProperty(_ entry: YAMLEntry, parent: String) -> SchemaProperty? {
        var key = Substring(entry.key)
        var typeInfo: Substring?
        if let open = key.firstIndex(of: "(") {
            guard key.hasSuffix(")") else {
                problems.append(.settingValue(key: "\(parent).\(entry.key)", problem: "has an unclosed '(' in its name", at: entry.keyRange))
                return nil
            }
            typeInfo = key[key.index(after: open)..<key.index(before: key.endIndex)]
            key = key[..<open]
        }
        let optional = key.hasSuffix("?")
        let propertyName = String(optional ? key.dropLast() : key)
        let name = "\(parent).\(propertyName)"
        guard !propertyName.isEmpty else {
            problems.append(.settingValue(key: "\(parent).\(entry.key)", problem: "has no field name", at: entry.keyRange))
            return nil
        }
        var schema: Schema
        if let typeInfo {
            let (type, description) = Self.splitDescription(String(typeInfo))
            switch type {
            case "array":
                guard let items = picoschema(entry.value, name: "\(name)[]") else { return nil }
                schema = .array(items)
            case "object":
                guard entry.value.entries != nil else {
                    problems.append(.settingType(key: name, expected: "a mapping of fields", found: entry.value.kindDescription, at: entry.value.range))
                    return nil
                }
                guard let object = picoschema(entry.value, name: name) else { return nil }
                schema = object
            case "enum":
                guard let values = enumValues(entry.value, name: name) else { return nil }
                schema = Schema(.enumeration(values))
            default:
                problems.append(.settingValue(key: name, problem: "has an unknown type '\(type)' in parentheses (expected array, object or enum)", at: entry.keyRange))
                return nil
            }
            schema.description = description
        } else {
            guard let value = picoschema(entry.value, name: name) else { return nil }
            schema = value
        }
        if optional, schema.kind != .any { schema.nullable = true }
        return SchemaProperty(propertyName, schema, required: !optional)
    }

    /// `type, description` → ("type", "description"); the description is everything after the first comma.
    static func splitDescription(_ text: String) -> (String, String?) {
        guard let comma = text.firstIndex(of: ",") else { return (text.trimmingWhitespace(), nil) }
        let description = String(text[text.index(after: comma)...]).trimmingWhitespace()
        return (String(text[..<comma]).trimmingWhitespace(), description.isEmpty ? nil : description)
    }

    static func scalarKind(_ type: String) -> Schema.Kind {
        switch type {
        case "string": return .string
        case "number": return .number
        case "integer": return .integer
        case "boolean": return .boolean
        case "null": return .null
        default: return .any
        }
    }

    /// An enum's values: a non-empty sequence of scalars.
    mutating func enumValues(_ node: YAMLNode, name: String) -> [SchemaLiteral]? {
        guard case .sequence(let items) = node.value, !items.isEmpty else {
            problems.append(.settingType(key: name, expected: "a non-empty list of values", found: node.kindDescription, at: node.range))
            return nil
        }
        var values: [SchemaLiteral] = []
        for item in items {
            switch item.value {
            case .string(let text): values.append(.string(text))
            case .int(let number): values.append(.number(String(number)))
            case .double(let number) where number.isFinite: values.append(.number(String(number)))
            case .bool(let value): values.append(.bool(value))
            case .null: values.append(.null)
            default:
                problems.append(.settingType(key: name, expected: "a list of strings, numbers, booleans or null", found: item.kindDescription, at: item.range))
                return nil
            }
        }
        return values
    }
}
