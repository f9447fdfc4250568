/// Every error of the Inference module: the embedded engine's kernels, weights and forward pass.
/// Messages are lowercase and name the tensor or value at fault.
public enum InferenceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A weight tensor has a ggml type the engine has no kernel for (e.g. `Q5_K`).
    case unsupportedTensorType(tensor: String, type: String)
    /// A weight tensor's shape does not fit its use (e.g. a row length that is not a whole number of blocks).
    case invalidTensorShape(tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedTensorType(tensor, type):
            return "inference: tensor '\(tensor)' has type \(type), which the engine does not support "
                + "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q6_K)"
        case let .invalidTensorShape(tensor, reason):
            return "inference: tensor '\(tensor)' has an invalid shape: \(reason)"
        }
    }
}
