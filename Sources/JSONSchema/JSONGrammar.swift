/// A schema compiled for matching: every sub-schema becomes a node in one table, object keys and
/// enum values become byte strings matched as alternatives, so that a matcher's state is a stack of
/// small values (cheap to copy once per candidate token) rather than a walk over the schema.
///
/// llama.cpp's `json-schema-to-grammar` is the model: properties in the order written, required
/// ones never skipped, optional ones skippable, arrays, enums as literal alternatives, strings with
/// JSON's escapes, numbers, booleans, nulls, and bounded whitespace when generating.
public final class JSONGrammar: Sendable {
    /// At most this many properties per object or values per enum (a matcher tracks them in 64 bits).
    public static let alternativeLimit = 64

    enum Kind: Sendable {
        case any
        /// A string; `maxLength` bounds generated ones.
        case string(maxLength: Int?)
        case number(integer: Bool)
        /// One of the byte strings in `literalSets[set]` (enums, booleans, null).
        case literal(set: Int)
        /// At most `maxItems` items (nil: no bound but the matcher's own when generating).
        case array(items: Int, maxItems: Int?)
        case object(ObjectNode)
    }

    struct ObjectNode: Sendable {
        /// Literal set of the keys, each written as a JSON string with its quotes.
        var keys: Int
        var names: [String]
        /// Node of each property's value.
        var values: [Int]
        /// Bit i: property i is required.
        var required: UInt64
        var additional: Bool
    }

    struct Node: Sendable {
        var kind: Kind
        var nullable: Bool
        /// "a string", "one of …": what a value here must be, for messages.
        var expected: String
    }

    let nodes: [Node]
    let literalSets: [[[UInt8]]]
    /// The schema's root node.
    let root: Int
    /// Nodes for values of `any` (an object or array of anything) and the `true/false/null` set.
    let anyNode: Int, anyObject: Int, anyArray: Int, nullSet: Int, wordSet: Int

    public init(schema: Schema) throws(JSONSchemaError) {
        var builder = Builder()
        root = try builder.add(schema)
        (anyNode, anyObject, anyArray) = (builder.anyNode, builder.anyObject, builder.anyArray)
        (nullSet, wordSet) = (builder.nullSet, builder.wordSet)
        nodes = builder.nodes
        literalSets = builder.literalSets
    }

    /// Builds the node table depth first.
    struct Builder {
        var nodes: [Node] = []
        var literalSets: [[[UInt8]]] = []
        var anyNode = 0, anyObject = 0, anyArray = 0, nullSet = 0, wordSet = 0

        init() {
            nullSet = literals(["null"])
            wordSet = literals(["true", "false", "null"])
            anyNode = append(Node(kind: .any, nullable: true, expected: "a json value"))
            anyObject = append(Node(kind: .object(ObjectNode(keys: literals([]), names: [], values: [], required: 0,
                                                             additional: true)),
                                    nullable: false, expected: "an object"))
            anyArray = append(Node(kind: .array(items: anyNode, maxItems: nil), nullable: false, expected: "an array"))
        }

        mutating func literals(_ texts: [String]) -> Int {
            literalSets.append(texts.map { Array($0.utf8) })
            return literalSets.count - 1
        }

        mutating func append(_ node: Node) -> Int {
            nodes.append(node)
            return nodes.count - 1
        }

        mutating func add(_ schema: Schema) throws(JSONSchemaError) -> Int {
            let expected = schema.kindDescription
            let kind: Kind
            switch schema.kind {
            case .any: return anyNode
            case .string: kind = .string(maxLength: schema.maxLength)
            case .number: kind = .number(integer: false)
            case .integer: kind = .number(integer: true)
            case .boolean: kind = .literal(set: literals(["true", "false"]) )
            case .null: kind = .literal(set: nullSet)
            case .enumeration(let values):
                var all = values
                if schema.nullable, !all.contains(.null) { all.append(.null) }
                guard all.count <= JSONGrammar.alternativeLimit else {
                    throw .tooManyAlternatives(count: all.count, limit: JSONGrammar.alternativeLimit)
                }
                kind = .literal(set: literals(all.map(\.json)))
            case .array(let items):
                kind = .array(items: try add(items), maxItems: schema.maxItems)
            case .object(let properties, let additional):
                guard properties.count <= JSONGrammar.alternativeLimit else {
                    throw .tooManyAlternatives(count: properties.count, limit: JSONGrammar.alternativeLimit)
                }
                var values: [Int] = []
                var required: UInt64 = 0
                for (i, property) in properties.enumerated() {
                    values.append(try add(property.schema))
                    if property.required { required |= 1 << UInt64(i) }
                }
                kind = .object(ObjectNode(keys: literals(properties.map { JSONText.quoted($0.name) }),
                                          names: properties.map(\.name), values: values, required: required,
                                          additional: additional))
            }
            return append(Node(kind: kind, nullable: schema.nullable, expected: expected))
        }
    }
}
