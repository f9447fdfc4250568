/// Keys and values of every evaluated position, Float32, for all layers. Memory is reserved for the
/// whole context up front but pages are only touched as positions fill, so a 2048-token cache costs
/// resident memory in proportion to the tokens actually held.
///
/// Layout (layers, capacity, kvDim): the K and V projections of a batch of consecutive positions are
/// one contiguous block per layer, so the matmul writes them straight into the cache.
public final class KVCache: @unchecked Sendable {
    public let layerCount: Int
    /// Positions the cache can hold (the context length).
    public let capacity: Int
    /// Width of one position's keys (kvHeadCount × headDim).
    public let kvDim: Int
    /// (layers, capacity, kvDim)
    let keys: UnsafeMutablePointer<Float>
    /// (layers, capacity, kvDim)
    let values: UnsafeMutablePointer<Float>

    public init(layerCount: Int, capacity: Int, kvDim: Int) {
        self.layerCount = layerCount
        self.capacity = capacity
        self.kvDim = kvDim
        let count = max(1, layerCount * capacity * kvDim)
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// (kvDim) keys of `layer` at `position`; consecutive positions follow contiguously.
    @inline(__always)
    func keys(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        keys + (layer * capacity + position) * kvDim
    }

    /// (kvDim) values of `layer` at `position`; consecutive positions follow contiguously.
    @inline(__always)
    func values(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        values + (layer * capacity + position) * kvDim
    }

    /// Bytes reserved for keys and values together.
    public var byteCount: Int { 2 * layerCount * capacity * kvDim * MemoryLayout<Float>.size }
}
