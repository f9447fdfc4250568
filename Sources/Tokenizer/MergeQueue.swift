/// A pair of adjacent symbols that an encoder may merge, waiting in a `MergeQueue`.
struct MergeCandidate {
    /// Pops lowest first: the encoder's priority in the high 32 bits (BPE: the merge rank;
    /// SentencePiece: the score, higher first), the left position in the low 32 bits, so that among
    /// equal priorities the leftmost pair pops first, as in llama.cpp's comparators.
    var order: UInt64
    var right: Int32
    /// The two sides when queued (BPE: their symbols; SentencePiece: their lengths): a candidate
    /// whose sides have changed since is stale and skipped.
    var leftWas: Int32
    var rightWas: Int32
    /// BPE: the symbol the merge makes.
    var merged: Int32

    init(priority: UInt32, left: Int32, right: Int32, leftWas: Int32, rightWas: Int32, merged: Int32 = 0) {
        order = UInt64(priority) << 32 | UInt64(UInt32(bitPattern: left))
        self.right = right
        self.leftWas = leftWas
        self.rightWas = rightWas
        self.merged = merged
    }

    var left: Int32 { Int32(truncatingIfNeeded: order) }

    /// A priority that puts higher scores first and treats -0 as 0 (C++ `<` on floats).
    static func priority(descendingScore score: Float) -> UInt32 {
        let bits = (score == 0 ? 0 : score).bitPattern
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return ~ascending
    }
}

/// The merge queue of both BPE (`BytePairEncoder`) and SentencePiece (`SentencePieceEncoder`): a
/// binary min-heap on `MergeCandidate.order` over an array that keeps its capacity between words.
/// Not generic, so that it is specialized and inlined in every build, not only whole-module ones.
struct MergeQueue {
    private var items: [MergeCandidate] = []

    /// Empties the queue, keeping its storage for the next word.
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func push(_ item: MergeCandidate) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard item.order < items[parent].order else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = item
    }

    /// The candidate with the lowest order, removed; nil when empty.
    @inline(__always)
    mutating func pop() -> MergeCandidate? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        var parent = 0
        let count = items.count
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, items[child + 1].order < items[child].order { child += 1 }
            guard items[child].order < last.order else { break }
            items[parent] = items[child]
            parent = child
        }
        items[parent] = last
        return top
    }
}
