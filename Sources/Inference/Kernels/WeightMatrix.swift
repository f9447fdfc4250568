import GGUF

/// A 2-D weight tensor as stored in the GGUF: `rows` rows of `cols` elements, each row a whole number
/// of `type` blocks. It borrows the bytes (normally the memory-mapped file); whoever made it keeps them alive.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    /// Output features (ggml `ne1`).
    public let rows: Int
    /// Input features, the contiguous row length (ggml `ne0`).
    public let cols: Int
    /// Row 0, block 0; rows follow each other every `rowBytes` bytes.
    public let data: UnsafeRawPointer
    /// The same matrix repacked for the AVX-512 kernel (`PackedWeights.pack`), when made.
    public var packed: PackedWeights?

    /// The types the kernels multiply: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q6_K.
    public static let supportedTypes: Set<GGMLType> = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q6_K]

    /// - Parameter name: the tensor's name, used only in error messages.
    /// - Throws: `InferenceError.unsupportedTensorType` for any other type, `.invalidTensorShape` when
    ///   `cols` is not a whole number of blocks or a dimension is not positive.
    public init(type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer, name: String = "weight") throws(InferenceError) {
        guard WeightMatrix.supportedTypes.contains(type) else {
            throw .unsupportedTensorType(tensor: name, type: type.name)
        }
        guard rows > 0, cols > 0 else {
            throw .invalidTensorShape(tensor: name, reason: "\(rows) rows of \(cols) columns")
        }
        guard cols % type.blockSize == 0 else {
            throw .invalidTensorShape(tensor: name,
                reason: "row length \(cols) is not a multiple of the \(type.name) block size \(type.blockSize)")
        }
        self.type = type
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Bytes per row.
    public var rowBytes: Int { cols / type.blockSize * type.typeSize }

    /// Bytes of the whole matrix.
    public var byteCount: Int { rows * rowBytes }

    /// Row `row`'s first byte.
    @inlinable
    public func row(_ row: Int) -> UnsafeRawPointer { data + row * rowBytes }
}
