/// A value of the YAML subset prompt-file frontmatter uses, with the range it came from.
public struct YAMLNode: Sendable, Equatable {
    public var value: YAMLValue
    /// Where the value is written (for a block mapping or sequence: its first to its last entry).
    public var range: SourceRange

    public init(_ value: YAMLValue, range: SourceRange) {
        self.value = value
        self.range = range
    }

    /// The entry for `key` if this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The mapping's entries, or nil.
    public var entries: [YAMLEntry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The string, if this node is a string.
    public var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// "a string", "an integer", … for messages.
    public var kindDescription: String { value.kindDescription }
}

/// One `key: value` pair of a mapping. Keys are the key's text (a plain key `1` is the string "1").
public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var keyRange: SourceRange
    public var value: YAMLNode

    public init(key: String, keyRange: SourceRange, value: YAMLNode) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// The YAML 1.2 core-schema values: null, booleans, integers, floats, strings, sequences and
/// mappings (in the order written).
public indirect enum YAMLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case sequence([YAMLNode])
    case mapping([YAMLEntry])

    /// "a string", "an integer", … for messages.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }
}
