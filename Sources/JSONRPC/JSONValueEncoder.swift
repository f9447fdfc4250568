/// Encodes `Encodable` types straight into a `JSONValue`, without going through JSON text.
///
/// Integers stay `.integer`, floating-point values become `.double` (a non-finite one is an error,
/// since JSON cannot carry it), a `JSONValue` is inserted as is, and `nil` optionals in keyed
/// containers are omitted (the synthesized `encodeIfPresent`), as LSP expects of optional fields.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// Encodes `value`. Throws `JSONRPCError.encodingFailed` naming the path of the offending member.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let direct = value as? JSONValue { return direct }
        let root = EncodingNode()
        do {
            try value.encode(to: ValueEncoder(node: root, codingPath: []))
        } catch let error as EncodingError {
            switch error {
            case .invalidValue(_, let context):
                throw JSONRPCError.encodingFailed(context.debugDescription)
            @unknown default:
                throw JSONRPCError.encodingFailed("\(error)")
            }
        }
        return root.finish()
    }
}

/// A value under construction; containers hold child nodes so that nested containers can still be
/// filled after they were handed out.
private final class EncodingNode {
    var scalar: JSONValue?
    var members: [String: EncodingNode]?
    var elements: [EncodingNode]?

    /// The value built: an object or array if a container was requested, else the scalar (`null`
    /// when nothing at all was encoded).
    func finish() -> JSONValue {
        if let members { return .object(members.mapValues { $0.finish() }) }
        if let elements { return .array(elements.map { $0.finish() }) }
        return scalar ?? .null
    }
}

/// The `Encoder` for one node at one coding path.
private struct ValueEncoder: Encoder, SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.elements == nil { node.elements = [] }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    // MARK: SingleValueEncodingContainer

    func encodeNil() { node.scalar = .null }
    func encode(_ value: Bool) { node.scalar = .bool(value) }
    func encode(_ value: String) { node.scalar = .string(value) }
    func encode(_ value: Double) throws { node.scalar = try Self.finite(value, codingPath) }
    func encode(_ value: Float) throws { node.scalar = try Self.finite(Double(value), codingPath) }
    func encode(_ value: Int) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: Int8) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: Int16) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: Int32) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: Int64) { node.scalar = .integer(value) }
    func encode(_ value: UInt) { node.scalar = Self.unsigned(UInt64(value)) }
    func encode(_ value: UInt8) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt16) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt32) { node.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt64) { node.scalar = Self.unsigned(value) }

    func encode<T: Encodable>(_ value: T) throws {
        if let direct = value as? JSONValue {
            node.scalar = direct
        } else {
            try value.encode(to: self)
        }
    }

    /// An unsigned value above `Int64.max` becomes a double, as JSON numbers are read by most peers.
    static func unsigned(_ value: UInt64) -> JSONValue {
        if let exact = Int64(exactly: value) { return .integer(exact) }
        return .double(Double(value))
    }

    static func finite(_ value: Double, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            let path = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath,
                debugDescription: "non-finite number \(value) at \(path.isEmpty ? "the top level" : path)"))
        }
        return .double(value)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> ValueEncoder {
        let child = EncodingNode()
        node.members?[key.stringValue] = child
        return ValueEncoder(node: child, codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) { child(key).encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) { child(key).encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        child(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        child(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        node.members?["super"] = child
        return ValueEncoder(node: child, codingPath: codingPath + [IndexKey(stringValue: "super")])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int { node.elements?.count ?? 0 }

    private func next() -> ValueEncoder {
        let child = EncodingNode()
        let index = count
        node.elements?.append(child)
        return ValueEncoder(node: child, codingPath: codingPath + [IndexKey(intValue: index)])
    }

    mutating func encodeNil() { next().encodeNil() }
    mutating func encode(_ value: Bool) { next().encode(value) }
    mutating func encode(_ value: String) { next().encode(value) }
    mutating func encode(_ value: Double) throws { try next().encode(value) }
    mutating func encode(_ value: Float) throws { try next().encode(value) }
    mutating func encode(_ value: Int) { next().encode(value) }
    mutating func encode(_ value: Int8) { next().encode(value) }
    mutating func encode(_ value: Int16) { next().encode(value) }
    mutating func encode(_ value: Int32) { next().encode(value) }
    mutating func encode(_ value: Int64) { next().encode(value) }
    mutating func encode(_ value: UInt) { next().encode(value) }
    mutating func encode(_ value: UInt8) { next().encode(value) }
    mutating func encode(_ value: UInt16) { next().encode(value) }
    mutating func encode(_ value: UInt32) { next().encode(value) }
    mutating func encode(_ value: UInt64) { next().encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { next() }
}
