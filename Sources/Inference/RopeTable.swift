/// Cosines and sines of llama.cpp's rotary embedding for every position of the context, computed
/// once: angle(pos, i) = freqScale · (pos · base^(-2i/dimensions) / factor[i]) for i < dimensions/2,
/// factor[i] = 1 unless the model has `rope_freqs` (Llama 3). The same table serves both layouts.
/// The angle is built exactly as `ggml_rope_cache_init` builds it (Float, repeated multiplication
/// by base^(-2/dimensions)), so positions far into the context round the same way as llama.cpp's.
public final class RopeTable: @unchecked Sendable {
    /// Rotated elements at the start of each head (`rope.dimension_count`).
    public let dimensions: Int
    public let positions: Int
    /// (positions, dimensions / 2)
    let cosines: UnsafeMutablePointer<Float>
    /// (positions, dimensions / 2)
    let sines: UnsafeMutablePointer<Float>

    public init(dimensions: Int, positions: Int, base: Float, freqScale: Float = 1, factors: [Float]? = nil) {
        self.dimensions = dimensions
        self.positions = positions
        let half = dimensions / 2
        cosines = .allocate(capacity: max(1, positions * half))
        sines = .allocate(capacity: max(1, positions * half))
        let thetaScale = powf(base, -2.0 / Float(dimensions))
        for position in 0..<positions {
            var theta = Float(position)
            for i in 0..<half {
                // ggml_rope_cache_init: theta / ff (ff = 1 without factors), then rope_yarn's freq_scale ·.
                let angle = freqScale * (theta / (factors?[i] ?? 1))
                cosines[position * half + i] = cosf(angle)
                sines[position * half + i] = sinf(angle)
                theta *= thetaScale
            }
        }
    }

    deinit {
        cosines.deallocate()
        sines.deallocate()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
