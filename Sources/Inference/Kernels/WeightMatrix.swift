import CKernels
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

    /// The types the kernels multiply, in ggml's numbering: the rows of CKernels.h's VS_WEIGHT_TYPES.
    public static let supportedTypes: [GGMLType] = GGMLType.allCases.filter { vs_weight_type(Int32($0.rawValue)) != nil }

    /// The form x takes before it meets weights of a type (VS_WEIGHT_TYPES' activation column).
    public enum ActivationForm: Sendable {
        /// f32 as it is (F32, F16, BF16).
        case f32
        /// ggml's Q8_0 / Q8_1 blocks of 32 (`QuantizedActivations.quantize`).
        case q8
        /// ggml's Q8_K blocks of 256 (`QuantizedActivations.quantizeK`), for the K-quants.
        case q8K
    }

    /// How this matrix's type multiplies its activations.
    public var activation: ActivationForm {
        switch Int(vs_weight_type(Int32(type.rawValue))!.pointee.activation) {
        case Int(VS_ACT_Q8_K): .q8K
        case Int(VS_ACT_F32): .f32
        default: .q8
        }
    }

    /// - Parameter name: the tensor's name, used only in error messages.
    /// - Throws: `InferenceError.unsupportedTensorType` for any other type, `.invalidTensorShape` when
    ///   `cols` is not a whole number of blocks or a dimension is not positive.
    public init(type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer, name: String = "weight") throws(InferenceError) {
        guard vs_weight_type(Int32(type.rawValue)) != nil else {
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
