/// BPE merge ranks keyed by the pair of symbol numbers (see `TextTable`): (left, right) →
/// (rank, merged symbol). Open addressing over packed 64-bit keys, key and value side by side.
/// Of duplicate pairs the first (lowest rank) is kept, as llama.cpp's `bpe_ranks.emplace` does.
/// Filled while the tokenizer is built, read-only afterwards (hence `@unchecked Sendable`).
final class MergeTable: @unchecked Sendable {
    /// Slot `i` is `entries[2 * i]` (key, `empty` when free) and `entries[2 * i + 1]` (value).
    private let entries: UnsafeMutablePointer<UInt64>
    private let mask: Int
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = .allocate(capacity: 2 * size)
        entries.initialize(repeating: Self.empty, count: 2 * size)
        mask = size - 1
    }

    deinit { entries.deallocate() }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    func insertIfAbsent(left: Int32, right: Int32, rank: Int32, merged: Int32) {
        let key = Self.key(left, right)
        var slot = slot(key)
        while entries[2 * slot] != Self.empty {
            if entries[2 * slot] == key { return }
            slot = (slot + 1) & mask
        }
        entries[2 * slot] = key
        entries[2 * slot + 1] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged))
    }

    /// (rank, merged symbol) of the pair, or nil.
    @inline(__always)
    func find(left: Int32, right: Int32) -> (rank: Int32, merged: Int32)? {
        let key = Self.key(left, right)
        var slot = slot(key)
        while true {
            let k = entries[2 * slot]
            if k == key {
                let v = entries[2 * slot + 1]
                return (Int32(truncatingIfNeeded: v >> 32), Int32(truncatingIfNeeded: v))
            }
            if k == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }
}
