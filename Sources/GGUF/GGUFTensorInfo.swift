/// Where one tensor lives in the file and what it holds.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: `dimensions[0]` (ne0) is the contiguous row length; a weight matrix of
    /// `rows` × `cols` is `[cols, rows]`.
    public let dimensions: [Int]
    public let type: GGMLType
    /// Absolute byte offset of the data in the file (data section start + the tensor's offset).
    public let offset: Int
    /// Bytes of data: `elementCount / type.blockSize * type.typeSize`.
    public let byteCount: Int

    public init(name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        self.byteCount = byteCount
    }

    /// Product of the dimensions (1 for a scalar with no dimensions).
    public var elementCount: Int { dimensions.reduce(1, *) }
}
