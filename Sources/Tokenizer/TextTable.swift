/// Byte strings numbered 0, 1, 2, … with an open-addressing hash index from string to number:
/// the vocabulary (token id = number) followed by any strings that merges produce but the
/// vocabulary lacks. Flat buffers instead of a `[String: Int]` keep building it for 49152 tokens
/// and 48900 merges within a few milliseconds. Mutated only while the tokenizer is built, then
/// read-only (hence `@unchecked Sendable`).
final class TextTable: @unchecked Sendable {
    /// All strings' bytes, back to back.
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private var byteCount = 0
    /// String `i` is `bytes[starts[i] ..< starts[i + 1]]`.
    private var starts: UnsafeMutablePointer<Int>
    private var startCapacity: Int
    private(set) var count = 0
    /// Hash slots: `hash >> 32 << 32 | (id + 1)`, 0 when empty (the tag avoids most string compares).
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        mask = size - 1
        byteCapacity = max(64, capacity * 8)
        bytes = .allocate(capacity: byteCapacity)
        startCapacity = capacity + 1
        starts = .allocate(capacity: startCapacity)
        starts[0] = 0
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        slots.deallocate()
    }

    /// FNV-1a, 64 bits, with a final mix.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0 ..< n { h = (h ^ UInt64(p[i])) &* 0x100_0000_01B3 }
        return h ^ (h >> 29)
    }

    /// The number of the string, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = Self.hash(p, n)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return -1 }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                let s = starts[id], e = starts[id + 1]
                if e - s == n, memoryEqual(bytes + s, p, n) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
    }

    func find(_ text: [UInt8]) -> Int32 {
        text.withUnsafeBufferPointer { find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    /// Appends a string as the next number. If an equal string is already indexed, the index
    /// points at the new number (llama.cpp's `token_to_id[word] = i`: the last duplicate wins).
    @discardableResult
    func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if byteCount + n > byteCapacity { growBytes(byteCount + n) }
        if count + 2 > startCapacity { growStarts() }
        (bytes + byteCount).update(from: p, count: n)
        byteCount += n
        let id = count
        count += 1
        starts[count] = byteCount
        if count * 2 > mask + 1 { rehash() }
        insert(id, hash: Self.hash(p, n), p, n)
        return Int32(id)
    }

    private func insert(_ id: Int, hash h: UInt64, _ p: UnsafePointer<UInt8>, _ n: Int) {
        let entry = (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let existing = slots[slot]
            if existing == 0 { slots[slot] = entry; return }
            if existing >> 32 == h >> 32 {
                let other = Int(existing & 0xFFFF_FFFF) - 1
                let s = starts[other], e = starts[other + 1]
                if e - s == n, memoryEqual(bytes + s, p, n) { slots[slot] = entry; return }
            }
            slot = (slot + 1) & mask
        }
    }

    private func growBytes(_ needed: Int) {
        let capacity = max(needed, byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    private func growStarts() {
        let capacity = startCapacity * 2
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.update(from: starts, count: count + 1)
        starts.deallocate()
        starts = grown
        startCapacity = capacity
    }

    private func rehash() {
        let size = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        mask = size - 1
        for id in 0 ..< count {
            let s = starts[id], e = starts[id + 1]
            insert(id, hash: Self.hash(bytes + s, e - s), bytes + s, e - s)
        }
    }

    /// Calls `body` with the bytes of string `id`.
    @inline(__always)
    func withText<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let s = starts[Int(id)], e = starts[Int(id) + 1]
        return body(UnsafeBufferPointer(start: bytes + s, count: e - s))
    }

    func text(_ id: Int32) -> [UInt8] { withText(id) { Array($0) } }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0 ..< n where a[i] != b[i] { return false }
    return true
}
