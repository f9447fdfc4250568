import Testing
@testable import GGUF

/// Small files written by `GGUFBuilder`: every value type, both versions, and each kind of corruption.
struct GGUFSyntheticTests {
    static let allValues: [(String, GGUFValue)] = [
        ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)), ("u64", .uint64(1 << 40)),
        ("i64", .int64(-(1 << 40))), ("f32", .float32(1.5)), ("f64", .float64(-2.25)), ("yes", .bool(true)),
        ("name", .string("héllo ✓")),
        ("strings", .array(.of(strings: ["a", "", "ccc", "🙂"]))),
        ("ints", .array(.of(int32s: [1, -2, 3]))),
        ("floats", .array(.of(float32s: [0.5, -1]))),
        ("nested", .array(.of(arrays: [.of(int32s: [1, 2]), .of(int32s: []), .of(strings: ["x"])]))),
    ]

    static func sampleFile(version: UInt32) -> [UInt8] {
        var builder = GGUFBuilder()
        builder.version = version
        builder.metadata = allValues
        builder.tensors = [
            ("a", [4, 2], .f32, [UInt8](repeating: 1, count: 32)),
            ("b", [32], .q4_1, [UInt8](repeating: 2, count: 20)),
        ]
        return builder.build()
    }

    @Test(arguments: [UInt32(2), 3])
    func readsEveryValueTypeAndTensors(version: UInt32) throws {
        let file = try GGUFFile(bytes: Self.sampleFile(version: version))
        #expect(file.version == version)
        #expect(file.alignment == 32)
        #expect(file.metadata.keys == Self.allValues.map(\.0))
        for (key, value) in Self.allValues { #expect(file.metadata[key] == value, "\(key)") }
        #expect(file.metadata.int("u64") == 1 << 40)
        #expect(file.metadata.int("i8") == -100)
        #expect(file.metadata.double("f32") == 1.5)
        #expect(file.metadata.double("u32") == 4_000_000_000)
        #expect(file.metadata.bool("yes") == true)
        #expect(file.metadata.string("name") == "héllo ✓")
        #expect(file.metadata.strings("strings") == ["a", "", "ccc", "🙂"])
        #expect(file.metadata.ints("ints") == [1, -2, 3])
        #expect(file.metadata.floats("floats") == [0.5, -1])
        #expect(file.metadata.strings("ints") == nil)
        #expect(file.metadata.array("nested")?.arrays?.map(\.count) == [2, 0, 1])
        #expect(file.metadata.array("nested")?.arrays?[2].strings == ["x"])
        #expect(file.tensors.map(\.name) == ["a", "b"])
        let a = try #require(file.tensor(named: "a"))
        #expect(a.dimensions == [4, 2] && a.elementCount == 8 && a.byteCount == 32 && a.type == .f32)
        #expect(a.offset == file.dataOffset)
        #expect(Array(file.bytes(of: a)) == [UInt8](repeating: 1, count: 32))
        let b = try #require(file.tensor(named: "b"))
        #expect(b.offset == file.dataOffset + 32 && b.byteCount == 20)
        #expect(Array(file.bytes(of: b)) == [UInt8](repeating: 2, count: 20))
        #expect(file.tensor(named: "c") == nil)
    }

    @Test func customAlignment() throws {
        var builder = GGUFBuilder()
        builder.alignment = 64
        builder.metadata = [("general.alignment", .uint32(64))]
        builder.tensors = [("t", [3], .f32, [UInt8](repeating: 7, count: 12)), ("u", [1], .f32, [1, 2, 3, 4])]
        let file = try GGUFFile(bytes: builder.build())
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensors[1].offset == file.dataOffset + 64)
    }

    @Test func badAlignmentIsRejected() {
        for value: GGUFValue in [.uint32(0), .uint32(48), .uint64(32)] {
            var builder = GGUFBuilder()
            builder.metadata = [("general.alignment", value)]
            #expect(throws: GGUFError.self) { try GGUFFile(bytes: builder.build()) }
        }
    }

    @Test func badMagic() {
        var bytes = Self.sampleFile(version: 3)
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: GGUFError.badMagic(found: 0x4655_4758, offset: 0)) { try GGUFFile(bytes: bytes) }
    }

    @Test func unsupportedVersions() {
        for version: UInt32 in [1, 4, 0x0300_0000] {
            let bytes = Self.sampleFile(version: version)
            #expect(throws: GGUFError.unsupportedVersion(version, offset: 4)) { try GGUFFile(bytes: bytes) }
        }
        #expect(GGUFError.unsupportedVersion(0x0300_0000, offset: 4).description.contains("big-endian"))
    }

    @Test func unknownTensorType() throws {
        var builder = GGUFBuilder()
        builder.tensors = [("w", [32], .q4_0, [UInt8](repeating: 0, count: 18))]
        var bytes = builder.build()
        let typeAt = Self.typeFieldOffset(bytes, tensorName: "w", dimensionCount: 1)
        bytes[typeAt] = 4  // Q4_2, retired from ggml
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        #expect(error == .unknownTensorType(name: "w", type: 4, offset: typeAt))
        #expect(error.description == "gguf: unknown tensor type 4 for tensor 'w' at offset \(typeAt)")
    }

    @Test func tensorOutsideTheFile() throws {
        var builder = GGUFBuilder()
        builder.tensors = [("w", [8], .f32, [UInt8](repeating: 0, count: 32))]
        let bytes = builder.build()
        // Drop the data: the tensor now points past the end.
        let header = Array(bytes[0 ..< bytes.count - 32])
        #expect(try GGUFFile(bytes: bytes).dataOffset == header.count)
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: header) }
        guard case .tensorOutOfBounds(let name, let offset, let count, let size) = error else {
            Issue.record("unexpected \(error)"); return
        }
        #expect(name == "w" && offset == header.count && count == 32 && size == header.count)
        // A huge relative offset also fails cleanly.
        var far = bytes
        let offsetAt = Self.typeFieldOffset(bytes, tensorName: "w", dimensionCount: 1) + 4
        for i in 0 ..< 8 { far[offsetAt + i] = i == 7 ? 0x40 : 0 }
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: far) }
    }

    @Test func rowNotMultipleOfBlock() {
        var builder = GGUFBuilder()
        builder.tensors = [("w", [31], .q8_0, [UInt8](repeating: 0, count: 34))]
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: builder.build()) }
    }

    @Test func absurdCounts() throws {
        var bytes = Self.sampleFile(version: 3)
        // Tensor count at offset 8.
        for i in 0 ..< 8 { bytes[8 + i] = 0xFF }
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        #expect(error.offset == 8)
        // An array count that the file cannot hold.
        var builder = GGUFBuilder()
        builder.metadata = [("x", .array(.of(int32s: [1, 2])))]
        var arrayBytes = builder.build()
        let countAt = 24 + 8 + 1 + 4 + 4
        arrayBytes[countAt + 5] = 1
        let arrayError = try #require(throws: GGUFError.self) { try GGUFFile(bytes: arrayBytes) }
        #expect(arrayError == .absurdCount(what: "array length of key 'x'", count: UInt64(2) | (1 << 40), offset: countAt))
    }

    @Test func duplicateAndEmptyKeys() {
        var builder = GGUFBuilder()
        builder.metadata = [("k", .uint8(1)), ("k", .uint8(2))]
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: builder.build()) }
        builder.metadata = [("", .uint8(1))]
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: builder.build()) }
    }

    @Test func deepNestingIsRejected() throws {
        var array = GGUFArray.of(int32s: [1])
        for _ in 0 ..< 20 { array = .of(arrays: [array]) }
        var builder = GGUFBuilder()
        builder.metadata = [("deep", .array(array))]
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: builder.build()) }
        guard case .nestingTooDeep = error else { Issue.record("unexpected \(error)"); return }
    }

    @Test func emptyAndTinyInputs() {
        for length in 0 ..< 24 {
            let bytes = Array(Self.sampleFile(version: 3).prefix(length))
            #expect(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        }
    }

    @Test func missingFileNamesThePath() throws {
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/x.gguf") }
        #expect(error.description.contains("/nonexistent/x.gguf"))
    }

    /// Offset of the type field of the (only) tensor info named `tensorName`: after the name's
    /// length and bytes, the dimension count and the dimensions.
    static func typeFieldOffset(_ bytes: [UInt8], tensorName: String, dimensionCount: Int) -> Int {
        let name = Array(tensorName.utf8)
        var prefix: [UInt8] = []
        withUnsafeBytes(of: UInt64(name.count).littleEndian) { prefix += $0 }
        prefix += name
        for start in stride(from: bytes.count - prefix.count, through: 0, by: -1)
        where Array(bytes[start ..< start + prefix.count]) == prefix {
            return start + prefix.count + 4 + 8 * dimensionCount
        }
        return -1
    }

    @Test func typeLayouts() {
        #expect(GGMLType.q4_1.blockSize == 32 && GGMLType.q4_1.typeSize == 20 && GGMLType.q4_1.name == "Q4_1")
        #expect(GGMLType.q6_K.blockSize == 256 && GGMLType.q6_K.typeSize == 210 && GGMLType.q6_K.name == "Q6_K")
        #expect(GGMLType.q8_0.typeSize == 34 && GGMLType.f16.typeSize == 2 && GGMLType.bf16.rawValue == 30)
        #expect(GGMLType(rawValue: 4) == nil && GGMLType(rawValue: 31) == nil && GGMLType(rawValue: 43) == nil)
    }
}
