/// The key–value metadata of a GGUF file, with typed lookups. Keys keep their file order in `keys`.
public struct GGUFMetadata: Sendable {
    /// Keys in file order.
    public let keys: [String]
    private let values: [String: GGUFValue]

    /// Builds metadata from key–value pairs (keys must be unique; later duplicates are ignored).
    public init(_ pairs: [(String, GGUFValue)]) {
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(pairs.count)
        for (key, value) in pairs where values[key] == nil {
            keys.append(key)
            values[key] = value
        }
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Number of key–value pairs.
    public var count: Int { keys.count }

    public func string(_ key: String) -> String? { values[key]?.stringValue }

    /// Any integer type, converted to Int (nil when absent, not an integer, or out of range).
    public func int(_ key: String) -> Int? { values[key]?.intValue }

    /// A float32/float64 or integer value as Double.
    public func double(_ key: String) -> Double? { values[key]?.doubleValue }

    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// The compact array stored under `key`.
    public func array(_ key: String) -> GGUFArray? { values[key]?.arrayValue }

    /// An array of strings.
    public func strings(_ key: String) -> [String]? { array(key)?.strings }

    /// An array of numbers as Floats.
    public func floats(_ key: String) -> [Float]? { array(key)?.floats }

    /// An array of integers as Ints.
    public func ints(_ key: String) -> [Int]? { array(key)?.ints }
}
