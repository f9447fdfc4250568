/// Every error of the Inference module: the embedded engine's kernels, weights and forward pass.
/// Messages are lowercase and name the tensor or value at fault.
public enum InferenceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A weight tensor has a ggml type the engine has no kernel for (e.g. `Q5_K`).
    case unsupportedTensorType(tensor: String, type: String)
    /// A weight tensor's shape does not fit its use (e.g. a row length that is not a whole number of blocks).
    case invalidTensorShape(tensor: String, reason: String)
    /// The model file lacks a tensor the architecture needs.
    case missingTensor(String)
    /// The model file lacks a metadata key the architecture needs.
    case missingMetadata(key: String)
    /// A metadata value is out of range or inconsistent with another.
    case invalidMetadata(key: String, reason: String)
    /// `general.architecture` names an architecture the engine does not run.
    case unsupportedArchitecture(String)
    /// No model file at the path the locator chose.
    case modelNotFound(path: String)
    /// The forward pass produced NaN or ±∞ logits: the file's tensor data is damaged (the header
    /// and shapes were fine, or loading would have failed).
    case damagedModel(path: String, position: Int)
    /// The model file could not be loaded: the file, and the error that stopped it.
    case unusableModelFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedTensorType(tensor, type):
            return "inference: tensor '\(tensor)' has type \(type), which the engine does not run "
                + "(it runs \(WeightMatrix.supportedTypes.map(\.name).joined(separator: ", ")))"
                + "; requantize the model to Q4_K_M with llama.cpp's llama-quantize (--allow-requantize)"
        case let .invalidTensorShape(tensor, reason):
            return "inference: tensor '\(tensor)' has an invalid shape: \(reason)"
        case let .missingTensor(name):
            return "inference: the model has no tensor '\(name)'"
        case let .missingMetadata(key):
            return "inference: the model has no metadata key '\(key)'"
        case let .invalidMetadata(key, reason):
            return "inference: metadata '\(key)' is invalid: \(reason)"
        case let .unsupportedArchitecture(name):
            return "inference: architecture '\(name)' is not supported (supported: \(Architecture.supportedNames))"
        case let .unusableModelFile(path, reason):
            return "inference: cannot load the model \(path): \(reason)"
        case let .modelNotFound(path):
            return "inference: no model at \(path); run 'vsynth model fetch' (or set VSYNTH_MODEL to a GGUF file)"
        case let .damagedModel(path, position):
            return "inference: \(path): damaged model file: non-finite logits (nan or inf) at position \(position); "
                + "its tensor data is corrupt\nhint: fetch the model again ('vsynth model fetch') or choose another file"
        }
    }
}
