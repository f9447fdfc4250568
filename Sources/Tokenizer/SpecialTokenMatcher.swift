/// Finds the special tokens written in a text exactly as llama.cpp's `tokenizer_st_partition` does
/// (each special token in turn, longest text first, takes its leftmost non-overlapping occurrences
/// in the text the tokens before it left), but in one pass over the text: a trie of the special
/// texts finds every occurrence, then the occurrences are accepted in llama.cpp's order. Scanning
/// the text once per special token, as llama.cpp does, is 6,414 scans for Gemma.
struct SpecialTokenMatcher: Sendable {
    /// Special token ids in llama.cpp's order; a token's rank is its index here.
    let tokens: [Int32]
    /// Text length of each rank.
    let lengths: [Int]
    /// Whether each rank is matched only when special tokens are parsed (control, unknown).
    let needsParseSpecial: [Bool]
    /// Trie node reached from the root by each first byte, -1 for none.
    let rootChildren: [Int32]
    /// Trie edges: `node << 8 | byte` → node.
    let children: [Int: Int32]
    /// The rank whose text ends at each node, -1 for none (of equal texts the first rank).
    let terminal: [Int32]

    /// `tokens`: the special tokens, longest text first (ties: lower id first).
    init(tokens: [Int32], texts: TextTable, attributes: [TokenAttributes]) {
        self.tokens = tokens
        var lengths: [Int] = []
        var rootChildren = [Int32](repeating: -1, count: 256)
        var children: [Int: Int32] = [:]
        var terminal: [Int32] = []
        for (rank, id) in tokens.enumerated() {
            texts.withText(id) { text in
                lengths.append(text.count)
                var node: Int32 = -1
                for (i, byte) in text.enumerated() {
                    let existing = i == 0 ? rootChildren[Int(byte)] : children[Int(node) << 8 | Int(byte)] ?? -1
                    if existing >= 0 { node = existing; continue }
                    let created = Int32(terminal.count)
                    terminal.append(-1)
                    if i == 0 { rootChildren[Int(byte)] = created } else { children[Int(node) << 8 | Int(byte)] = created }
                    node = created
                }
                if node >= 0, terminal[Int(node)] < 0 { terminal[Int(node)] = Int32(rank) }
            }
        }
        self.lengths = lengths
        self.rootChildren = rootChildren
        self.children = children
        self.terminal = terminal
        needsParseSpecial = tokens.map { attributes[Int($0)].needsParseSpecial }
    }

    /// `bytes` as runs of text and special tokens.
    func fragments(of bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Tokenizer.Fragment] {
        let n = bytes.count
        guard n > 0 else { return [] }
        // Every occurrence of every special text, as (rank, start).
        var found: [(rank: Int32, start: Int)] = []
        for start in 0 ..< n {
            var node = rootChildren[Int(bytes[start])]
            var next = start + 1
            while node >= 0 {
                let rank = terminal[Int(node)]
                if rank >= 0, parseSpecial || !needsParseSpecial[Int(rank)] { found.append((rank, start)) }
                guard next < n, let child = children[Int(node) << 8 | Int(bytes[next])] else { break }
                node = child
                next += 1
            }
        }
        if found.isEmpty { return [.text(0 ..< n)] }
        // llama.cpp's order: rank by rank, left to right; an occurrence is taken when it lies in
        // text no earlier token took and starts after the last one this token took.
        found.sort { $0.rank < $1.rank || ($0.rank == $1.rank && $0.start < $1.start) }
        var taken = [Bool](repeating: false, count: n)
        var accepted: [(start: Int, end: Int, token: Int32)] = []
        var rank: Int32 = -1
        var end = 0
        for occurrence in found {
            if occurrence.rank != rank { rank = occurrence.rank; end = 0 }
            let range = occurrence.start ..< occurrence.start + lengths[Int(rank)]
            guard range.lowerBound >= end, !range.contains(where: { taken[$0] }) else { continue }
            for i in range { taken[i] = true }
            accepted.append((range.lowerBound, range.upperBound, tokens[Int(rank)]))
            end = range.upperBound
        }
        accepted.sort { $0.start < $1.start }
        var fragments: [Tokenizer.Fragment] = []
        var position = 0
        for match in accepted {
            if match.start > position { fragments.append(.text(position ..< match.start)) }
            fragments.append(.token(match.token))
            position = match.end
        }
        if position < n { fragments.append(.text(position ..< n)) }
        return fragments
    }
}
