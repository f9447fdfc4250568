import CKernels

/// Which instruction-set implementation a kernel runs. `.best` (the default) picks the best the CPU
/// supports at run time; tests force the others to compare every path with the scalar reference.
/// A forced path the CPU lacks falls back to the best one it has.
public enum KernelPath: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case best = -1
    /// Portable C.
    case scalar = 0
    /// AVX2 + FMA + F16C (x86-64 v3).
    case avx2 = 1
    /// AVX-512 F/BW/VL with VNNI int8 dot products.
    case avx512 = 2

    /// The path `.best` resolves to on this CPU.
    public static var detected: KernelPath { KernelPath(rawValue: vs_best_path()) ?? .scalar }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { self == .best || rawValue <= vs_best_path() }

    public var description: String {
        switch self {
        case .best: "best"
        case .scalar: "scalar"
        case .avx2: "avx2"
        case .avx512: "avx512-vnni"
        }
    }
}
