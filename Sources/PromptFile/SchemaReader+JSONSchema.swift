import JSONSchema

/// The JSON Schema form of `input.schema` / `output.schema`, written in YAML.
extension SchemaReader {
    mutating func jsonSchema(_ node: YAMLNode, name: String) -> Schema? {
        guard node.entries != nil else {
            problems.append(.settingType(key: name, expected: "a json schema mapping", found: node.kindDescription, at: node.range))
            return nil
        }
        var description: String?
        if let text = node["description"] {
            guard let string = text.string else {
                problems.append(.settingType(key: "\(name).description", expected: "a string", found: text.kindDescription, at: text.range))
                return nil
            }
            description = string
        }
        var nullable = false
        var type: String?
        if let typeNode = node["type"] {
            var names: [(String, SourceRange)] = []
            switch typeNode.value {
            case .string(let text): names = [(text, typeNode.range)]
            case .sequence(let items):
                for item in items {
                    guard let text = item.string else {
                        problems.append(.settingType(key: "\(name).type", expected: "a type name", found: item.kindDescription, at: item.range))
                        return nil
                    }
                    names.append((text, item.range))
                }
            default:
                problems.append(.settingType(key: "\(name).type", expected: "a type name or a list of them", found: typeNode.kindDescription, at: typeNode.range))
                return nil
            }
            for (text, range) in names {
                guard Self.jsonSchemaTypes.contains(text) else {
                    problems.append(.settingValue(key: "\(name).type", problem: "has an unknown type '\(text)' (expected one of \(Self.jsonSchemaTypes.joined(separator: ", ")))", at: range))
                    return nil
                }
            }
            let nonNull = names.map(\.0).filter { $0 != "null" }
            nullable = nonNull.count < names.count
            guard nonNull.count <= 1 else {
                problems.append(.settingValue(key: "\(name).type", problem: "lists several types; only one type (and null) is supported", at: typeNode.range))
                return nil
            }
            type = nonNull.first ?? "null"
        }
        if let enumNode = node["enum"] {
            guard let values = enumValues(enumNode, name: "\(name).enum") else { return nil }
            return Schema(.enumeration(values), nullable: nullable, description: description)
        }
        if type == nil, node["properties"] != nil { type = "object" }
        if type == nil, node["items"] != nil { type = "array" }
        let kind: Schema.Kind
        switch type {
        case "object":
            guard let object = objectKind(node, name: name) else { return nil }
            kind = object
        case "array":
            if let items = node["items"] {
                guard let schema = jsonSchema(items, name: "\(name).items") else { return nil }
                kind = .array(items: schema)
            } else {
                kind = .array(items: Schema(.any))
            }
            if let limit = node["maxItems"] {
                guard case .int(let count) = limit.value, count >= 0 else {
                    problems.append(.settingType(key: "\(name).maxItems", expected: "an integer ≥ 0", found: limit.kindDescription, at: limit.range))
                    return nil
                }
                return Schema(kind, nullable: nullable, description: description, maxItems: count)
            }
        case let scalar?:
            kind = Self.scalarKind(scalar)
        case nil:
            kind = .any
        }
        var schema = Schema(kind, nullable: nullable, description: description)
        if kind == .string, let limit = node["maxLength"] {
            guard case .int(let count) = limit.value, count >= 0 else {
                problems.append(.settingType(key: "\(name).maxLength", expected: "an integer ≥ 0", found: limit.kindDescription, at: limit.range))
                return nil
            }
            schema.maxLength = count
        }
        return schema
    }

    /// `properties`, `required` and `additionalProperties` of an object schema.
    mutating func objectKind(_ node: YAMLNode, name: String) -> Schema.Kind? {
        var properties: [SchemaProperty] = []
        if let propertiesNode = node["properties"] {
            guard let entries = propertiesNode.entries else {
                problems.append(.settingType(key: "\(name).properties", expected: "a mapping", found: propertiesNode.kindDescription, at: propertiesNode.range))
                return nil
            }
            for entry in entries {
                guard let schema = jsonSchema(entry.value, name: "\(name).\(entry.key)") else { return nil }
                properties.append(SchemaProperty(entry.key, schema, required: false))
            }
        }
        if let requiredNode = node["required"] {
            guard case .sequence(let items) = requiredNode.value else {
                problems.append(.settingType(key: "\(name).required", expected: "a list of property names", found: requiredNode.kindDescription, at: requiredNode.range))
                return nil
            }
            for item in items {
                guard let key = item.string, let index = properties.firstIndex(where: { $0.name == key }) else {
                    problems.append(.settingValue(key: "\(name).required", problem: "names '\(item.string ?? item.kindDescription)', which is not in 'properties'", at: item.range))
                    return nil
                }
                properties[index].required = true
            }
        }
        var additional = true
        if let additionalNode = node["additionalProperties"] {
            switch additionalNode.value {
            case .bool(let value): additional = value
            case .mapping: additional = true
            default:
                problems.append(.settingType(key: "\(name).additionalProperties", expected: "a boolean or a schema", found: additionalNode.kindDescription, at: additionalNode.range))
                return nil
            }
        }
        return .object(properties: properties, additionalProperties: additional)
    }
}
