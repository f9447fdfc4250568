/// Parses everything before the tensor data: magic, version, counts, metadata, tensor infos, and
/// validates every tensor's extent. Each read is bounds-checked; counts are capped by what the rest
/// of the file could hold, so a corrupt header fails fast with the offset instead of allocating or
/// crashing.
struct GGUFHeaderParser {
    /// Arrays of arrays deeper than this are rejected (protects the stack from crafted files).
    static let maximumNesting = 8
    /// ggml's GGML_MAX_DIMS.
    static let maximumDimensions = 4
    static let defaultAlignment = 32
    /// ggml's GGML_MAX_NAME (a tensor name must be shorter, as llama.cpp requires).
    static let maximumNameLength = 64
    /// Keys are short dotted names; a longer one means a corrupt length.
    static let maximumKeyLength = 65536

    struct Header {
        var version: UInt32
        var alignment: Int
        var metadata: GGUFMetadata
        var tensors: [GGUFTensorInfo]
        var dataOffset: Int
    }

    var reader: GGUFByteReader

    init(_ bytes: UnsafeRawBufferPointer) { reader = GGUFByteReader(bytes) }

    /// Parses the whole header and validates every tensor's extent.
    mutating func parse() throws(GGUFError) -> Header {
        let (version, tensorCount, keyCount) = try readPreamble()
        var pairs: [(String, GGUFValue)] = []
        pairs.reserveCapacity(min(keyCount, 4096))
        var seenKeys = Set<String>()
        var alignment = Self.defaultAlignment
        for _ in 0 ..< keyCount {
            let keyOffset = reader.position
            let (key, value, valueOffset) = try readKeyValue()
            guard !key.isEmpty else { throw .invalidKey(key: key, reason: "empty key", offset: keyOffset) }
            guard seenKeys.insert(key).inserted else {
                throw .invalidKey(key: key, reason: "duplicate key", offset: keyOffset)
            }
            if key == "general.alignment" {
                guard case .uint32(let a) = value else {
                    throw .invalidMetadata(key: key, reason: "must be uint32, is \(value.type)", offset: valueOffset)
                }
                guard a != 0, a & (a - 1) == 0 else {
                    throw .invalidMetadata(key: key, reason: "\(a) is not a power of 2", offset: valueOffset)
                }
                alignment = Int(a)
            }
            pairs.append((key, value))
        }

        var tensors: [GGUFTensorInfo] = []
        var relativeOffsets: [(offset: UInt64, at: Int)] = []
        tensors.reserveCapacity(min(tensorCount, 65536))
        relativeOffsets.reserveCapacity(min(tensorCount, 65536))
        for _ in 0 ..< tensorCount {
            let (info, relative) = try readTensorInfo()
            tensors.append(info)
            relativeOffsets.append(relative)
        }
        let dataOffset = try locateTensorData(&tensors, relativeOffsets: relativeOffsets, alignment: alignment)
        return Header(version: version, alignment: alignment, metadata: GGUFMetadata(pairs),
                      tensors: tensors, dataOffset: dataOffset)
    }

    /// Reads magic, version and the two counts; counts the rest of the file cannot hold are rejected.
    mutating func readPreamble() throws(GGUFError) -> (version: UInt32, tensorCount: Int, keyCount: Int) {
        let magic = try reader.readUInt32("magic")
        guard magic == 0x4655_4747 else { throw .badMagic(found: magic, offset: 0) }  // "GGUF"
        let version = try reader.readUInt32("version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version, offset: 4) }
        let tensorCountOffset = reader.position
        let tensorCount = try reader.readUInt64("tensor count")
        let keyCountOffset = reader.position
        let keyCount = try reader.readUInt64("metadata key count")
        // A tensor info takes at least 24 bytes (empty name, 0 dims, type, offset), a pair 13.
        guard tensorCount <= UInt64(reader.remaining / 24) else {
            throw .absurdCount(what: "tensor count", count: tensorCount, offset: tensorCountOffset)
        }
        guard keyCount <= UInt64(reader.remaining / 13) else {
            throw .absurdCount(what: "metadata key count", count: keyCount, offset: keyCountOffset)
        }
        return (version, Int(tensorCount), Int(keyCount))
    }

    /// Reads one key and its value; also returns where the value starts.
    mutating func readKeyValue() throws(GGUFError) -> (key: String, value: GGUFValue, valueOffset: Int) {
        let keyOffset = reader.position
        let keyBytes = try reader.readStringBytes("metadata key")
        guard keyBytes.count <= Self.maximumKeyLength else {
            throw .invalidKey(key: String(decoding: keyBytes.prefix(64), as: UTF8.self) + "…",
                              reason: "\(keyBytes.count) bytes long (at most \(Self.maximumKeyLength))", offset: keyOffset)
        }
        let key = String(decoding: keyBytes, as: UTF8.self)
        let valueOffset = reader.position
        return (key, try readValue(key: key, depth: 0), valueOffset)
    }

    /// Places the data section after the header (aligned), turns relative tensor offsets into
    /// absolute ones and checks that each tensor is aligned, unique, and inside the file.
    mutating func locateTensorData(_ tensors: inout [GGUFTensorInfo], relativeOffsets: [(offset: UInt64, at: Int)],
                                   alignment: Int) throws(GGUFError) -> Int {
        let headerEnd = reader.position
        let fileSize = reader.bytes.count
        let dataOffset = (headerEnd + alignment - 1) / alignment * alignment
        if !tensors.isEmpty, dataOffset > fileSize {
            throw .truncated(what: "padding before tensor data", offset: headerEnd,
                             needed: dataOffset - headerEnd, available: fileSize - headerEnd)
        }
        var seenNames = Set<String>()
        seenNames.reserveCapacity(tensors.count)
        for i in tensors.indices {
            let info = tensors[i]
            let (relative, infoOffset) = relativeOffsets[i]
            guard seenNames.insert(info.name).inserted else {
                throw .invalidTensor(name: info.name, reason: "duplicate name", offset: infoOffset)
            }
            guard relative % UInt64(alignment) == 0 else {
                throw .invalidTensor(name: info.name, reason: "data offset \(relative) not a multiple of alignment \(alignment)",
                                     offset: infoOffset)
            }
            guard relative <= UInt64(fileSize), dataOffset + Int(relative) <= fileSize - info.byteCount else {
                let absolute = relative <= UInt64(Int.max - dataOffset) ? dataOffset + Int(relative) : Int.max
                throw .tensorOutOfBounds(name: info.name, offset: absolute, byteCount: info.byteCount, fileSize: fileSize)
            }
            tensors[i] = GGUFTensorInfo(name: info.name, dimensions: info.dimensions, type: info.type,
                                        offset: dataOffset + Int(relative), byteCount: info.byteCount)
        }
        return dataOffset
    }

    /// Reads one tensor info; its offset is returned relative to the data section, with the
    /// position of that field for error messages.
    mutating func readTensorInfo() throws(GGUFError) -> (GGUFTensorInfo, (offset: UInt64, at: Int)) {
        let nameOffset = reader.position
        let nameBytes = try reader.readStringBytes("tensor name")
        guard nameBytes.count < Self.maximumNameLength else {
            throw .invalidTensor(name: String(decoding: nameBytes.prefix(64), as: UTF8.self) + "…",
                                 reason: "name is \(nameBytes.count) bytes (ggml allows \(Self.maximumNameLength - 1))",
                                 offset: nameOffset)
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let dimsOffset = reader.position
        let dimensionCount = try reader.readUInt32("dimension count of tensor '\(name)'")
        guard dimensionCount <= UInt32(Self.maximumDimensions) else {
            throw .invalidTensor(name: name, reason: "\(dimensionCount) dimensions (at most \(Self.maximumDimensions))",
                                 offset: dimsOffset)
        }
        var dimensions: [Int] = []
        dimensions.reserveCapacity(Int(dimensionCount))
        var elements = 1
        for _ in 0 ..< Int(dimensionCount) {
            let at = reader.position
            let raw = try reader.readUInt64("dimension of tensor '\(name)'")
            guard let d = Int(exactly: Int64(bitPattern: raw)), d >= 0 else {
                throw .invalidTensor(name: name, reason: "negative dimension \(Int64(bitPattern: raw))", offset: at)
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw .invalidTensor(name: name, reason: "element count overflows", offset: at)
            }
            elements = product
            dimensions.append(d)
        }
        let typeOffset = reader.position
        let rawType = try reader.readUInt32("type of tensor '\(name)'")
        guard let type = GGMLType(rawValue: rawType) else {
            throw .unknownTensorType(name: name, type: rawType, offset: typeOffset)
        }
        guard let byteCount = type.byteCount(elements: elements),
              (dimensions.first ?? 1) % type.blockSize == 0 else {
            throw .invalidTensor(name: name, reason: "row length \(dimensions.first ?? 1) is not a multiple of the "
                                 + "\(type.name) block size \(type.blockSize)", offset: dimsOffset)
        }
        let offsetAt = reader.position
        let relative = try reader.readUInt64("data offset of tensor '\(name)'")
        return (GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: 0, byteCount: byteCount),
                (relative, offsetAt))
    }
}
