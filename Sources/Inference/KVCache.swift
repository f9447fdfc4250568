/// Keys and values of every evaluated position of one sequence, Float32, for all layers. Memory is
/// reserved for the whole context up front but pages are only touched as positions fill, so a 2048-token
/// cache costs resident memory in proportion to the tokens actually held, and each sequence of a batch
/// has its own cache sized to need (the reservation is address space, not memory).
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

    /// Copies the keys and values of positions 0 ..< `count` of every layer from `source` (a cache of the
    /// same shape): a sequence forked from another's prefix. A copy of the rows, not shared pages: the
    /// caches then grow apart freely, and what must not repeat is computing them.
    func copyPrefix(_ count: Int, from source: KVCache) {
        precondition(source.layerCount == layerCount && source.kvDim == kvDim && count <= min(capacity, source.capacity),
                     "KVCache.copyPrefix: \(count) positions between caches of different shapes")
        for layer in 0..<layerCount {
            keys(layer: layer, position: 0).update(from: source.keys(layer: layer, position: 0), count: count * kvDim)
            values(layer: layer, position: 0).update(from: source.values(layer: layer, position: 0), count: count * kvDim)
        }
    }

    /// Bytes reserved for keys and values together.
    public var byteCount: Int { 2 * layerCount * capacity * kvDim * MemoryLayout<Float>.size }
}
