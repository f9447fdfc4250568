/// Something a `PriorityQueue` orders: `precedes` is true when `self` must come out before `other`.
protocol QueueOrdered {
    func precedes(_ other: Self) -> Bool
}

/// A binary heap over an array that keeps its capacity between uses: the merge queue of both
/// BPE (`BytePairEncoder`) and SentencePiece (`SentencePieceEncoder`), like the
/// `std::priority_queue` of llama.cpp's tokenizer sessions.
struct PriorityQueue<Element: QueueOrdered> {
    private var items: [Element] = []

    /// Empties the queue, keeping its storage for the next word.
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func push(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard item.precedes(items[parent]) else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = item
    }

    /// The element that precedes all others, removed; nil when empty.
    @inline(__always)
    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        var parent = 0
        let count = items.count
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, items[child + 1].precedes(items[child]) { child += 1 }
            guard items[child].precedes(last) else { break }
            items[parent] = items[child]
            parent = child
        }
        items[parent] = last
        return top
    }
}
