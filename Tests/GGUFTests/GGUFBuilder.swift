@testable import GGUF

/// Writes small synthetic GGUF files (any version, any metadata, tensors) for tests.
struct GGUFBuilder {
    var version: UInt32 = 3
    var alignment = 32
    var metadata: [(String, GGUFValue)] = []
    /// Tensors with their data; offsets are laid out in order, aligned.
    var tensors: [(name: String, dimensions: [Int], type: GGMLType, data: [UInt8])] = []

    func build() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        append(&out, version)
        append(&out, UInt64(tensors.count))
        append(&out, UInt64(metadata.count))
        for (key, value) in metadata {
            appendString(&out, key)
            append(&out, value.type.rawValue)
            appendValue(&out, value)
        }
        var relative = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(relative)
            relative += (tensor.data.count + alignment - 1) / alignment * alignment
        }
        for (tensor, offset) in zip(tensors, offsets) {
            appendString(&out, tensor.name)
            append(&out, UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { append(&out, UInt64(d)) }
            append(&out, tensor.type.rawValue)
            append(&out, UInt64(offset))
        }
        while out.count % alignment != 0 { out.append(0) }
        for tensor in tensors {
            out += tensor.data
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    func appendString(_ out: inout [UInt8], _ string: String) {
        append(&out, UInt64(string.utf8.count))
        out += Array(string.utf8)
    }

    func appendValue(_ out: inout [UInt8], _ value: GGUFValue) {
        switch value {
        case .uint8(let v): append(&out, v)
        case .int8(let v): append(&out, v)
        case .uint16(let v): append(&out, v)
        case .int16(let v): append(&out, v)
        case .uint32(let v): append(&out, v)
        case .int32(let v): append(&out, v)
        case .uint64(let v): append(&out, v)
        case .int64(let v): append(&out, v)
        case .float32(let v): append(&out, v.bitPattern)
        case .float64(let v): append(&out, v.bitPattern)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let v): appendString(&out, v)
        case .array(let array):
            append(&out, array.elementType.rawValue)
            append(&out, UInt64(array.count))
            for i in 0 ..< array.count { appendValue(&out, array[i]!) }
        }
    }
}

extension GGUFArray {
    /// Test-only constructors mirroring the reader's compact storage.
    static func of(strings: [String]) -> GGUFArray {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for s in strings { bytes += Array(s.utf8); ends.append(bytes.count) }
        return GGUFArray(elementType: .string, count: strings.count, storage: .strings(bytes: bytes, ends: ends))
    }

    static func of(int32s: [Int32]) -> GGUFArray {
        var bytes: [UInt8] = []
        for v in int32s { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        return GGUFArray(elementType: .int32, count: int32s.count, storage: .scalars(bytes))
    }

    static func of(float32s: [Float]) -> GGUFArray {
        var bytes: [UInt8] = []
        for v in float32s { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        return GGUFArray(elementType: .float32, count: float32s.count, storage: .scalars(bytes))
    }

    static func of(arrays: [GGUFArray]) -> GGUFArray {
        GGUFArray(elementType: .array, count: arrays.count, storage: .arrays(arrays))
    }
}
