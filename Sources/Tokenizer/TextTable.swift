/// Byte strings numbered 0, 1, 2, … with an open-addressing hash index from string to number:
/// the vocabulary (token id = number) followed by any strings that merges produce but the
/// vocabulary lacks. Two flat arrays and an index instead of a `[String: Int]` keeps building it
/// for 49152 tokens and 48900 merges within a few milliseconds.
struct TextTable: Sendable {
    /// All strings' bytes, back to back.
    private(set) var bytes: [UInt8] = []
    /// String `i` is `bytes[starts[i] ..< starts[i + 1]]`.
    private(set) var starts: [Int32] = [0]
    /// Hash slots holding a string number, or -1.
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        bytes.reserveCapacity(capacity * 8)
        starts.reserveCapacity(capacity + 1)
    }

    var count: Int { starts.count - 1 }

    /// FNV-1a, 64 bits.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0 ..< n { h = (h ^ UInt64(p[i])) &* 0x100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The number of the string, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { bytes in
                starts.withUnsafeBufferPointer { starts in
                    var slot = Self.hash(p, n) & mask
                    while true {
                        let id = slots[slot]
                        if id < 0 { return -1 }
                        let s = Int(starts[Int(id)])
                        let e = Int(starts[Int(id) + 1])
                        if e - s == n, n == 0 || memoryEqual(bytes.baseAddress! + s, p, n) { return id }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    func find(_ text: [UInt8]) -> Int32 {
        text.withUnsafeBufferPointer { find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    /// Appends a string as the next number. If an equal string is already indexed, the index
    /// points at the new number (llama.cpp's `token_to_id[word] = i`: the last duplicate wins).
    @discardableResult
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let id = Int32(count)
        bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(Int32(bytes.count))
        if count * 2 > slots.count { rehash() }
        insert(id, hash: Self.hash(p, n), p, n)
        return id
    }

    private mutating func insert(_ id: Int32, hash: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
        var slot = hash & mask
        while true {
            let existing = slots[slot]
            if existing < 0 { slots[slot] = id; return }
            let s = Int(starts[Int(existing)])
            let e = Int(starts[Int(existing) + 1])
            let same = e - s == n && bytes.withUnsafeBufferPointer { n == 0 || memoryEqual($0.baseAddress! + s, p, n) }
            if same { slots[slot] = id; return }
            slot = (slot + 1) & mask
        }
    }

    private mutating func rehash() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        let copy = bytes
        copy.withUnsafeBufferPointer { b in
            for id in 0 ..< count {
                let s = Int(starts[id]), e = Int(starts[id + 1])
                let p = b.baseAddress! + s
                insert(Int32(id), hash: Self.hash(p, e - s), p, e - s)
            }
        }
    }

    /// Calls `body` with the bytes of string `id`.
    @inline(__always)
    func withText<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { b in
            body(UnsafeBufferPointer(rebasing: b[Int(starts[Int(id)]) ..< Int(starts[Int(id) + 1])]))
        }
    }

    func text(_ id: Int32) -> [UInt8] { withText(id) { Array($0) } }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0 ..< n where a[i] != b[i] { return false }
    return true
}
