/// Byte-level BPE on one word, as llama.cpp's `llm_tokenizer_bpe_session` does it: the word's
/// bytes become symbols, and the adjacent pair with the lowest merge rank (leftmost among equal
/// ranks) is merged until no pair has a rank. Symbols are numbers in the tokenizer's `TextTable`
/// (vocabulary texts first), so "same text" is "same number" and merges are integer lookups.
struct BytePairEncoder: Sendable {
    let texts: TextTable
    let merges: MergeTable
    /// Symbol number of each byte's one-character text.
    let byteSymbols: [Int32]
    /// Number of real tokens; symbols at or above it are texts that only merges produce.
    let vocabularySize: Int
    /// Look the whole word up before merging (llama.cpp's `ignore_merges`).
    let wholeWordsFirst: Bool

    /// Reusable buffers of one encode call.
    struct Scratch {
        var symbol: [Int32] = []
        var prev: [Int32] = []
        var next: [Int32] = []
        var heap = MergeQueue()
        var mapped: [UInt8] = []
    }

    /// Appends the token ids of `word` (raw bytes) to `output`.
    func encode(_ word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into output: inout [Int32]) {
        let n = word.count
        if n == 0 { return }
        if wholeWordsFirst, let id = wholeWordToken(word, scratch: &scratch) {
            output.append(id)
            return
        }
        if n == 1 { emit(byteSymbols[Int(word[0])], into: &output); return }
        scratch.symbol.removeAll(keepingCapacity: true)
        scratch.prev.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.heap.removeAll()
        for i in 0 ..< n {
            scratch.symbol.append(byteSymbols[Int(word[i])])
            scratch.prev.append(Int32(i - 1))
            scratch.next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 1 ..< n { push(Int32(i - 1), Int32(i), &scratch) }
        while let bigram = scratch.heap.pop() {
            let l = Int(bigram.left), r = Int(bigram.right)
            // Outdated: a side was merged away or changed since this pair was queued.
            guard scratch.symbol[l] == bigram.leftWas, scratch.symbol[r] == bigram.rightWas,
                  scratch.next[l] == bigram.right else { continue }
            scratch.symbol[l] = bigram.merged
            scratch.symbol[r] = -1
            let after = scratch.next[r]
            scratch.next[l] = after
            scratch.next[r] = -1
            if after >= 0 { scratch.prev[Int(after)] = bigram.left }
            push(scratch.prev[l], bigram.left, &scratch)
            push(bigram.left, after, &scratch)
        }
        var i: Int32 = 0
        while i >= 0 {
            emit(scratch.symbol[Int(i)], into: &output)
            i = scratch.next[Int(i)]
        }
    }

    /// The token whose text is the whole (byte-mapped) word, if any.
    private func wholeWordToken(_ word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Int32? {
        scratch.mapped.removeAll(keepingCapacity: true)
        let (mappedBytes, lengths) = ByteLevel.mappedUTF8
        for b in word {
            scratch.mapped.append(mappedBytes[2 * Int(b)])
            if lengths[Int(b)] == 2 { scratch.mapped.append(mappedBytes[2 * Int(b) + 1]) }
        }
        let id = texts.find(scratch.mapped)
        return id >= 0 && Int(id) < vocabularySize ? id : nil
    }

    /// A final symbol as tokens: itself when it is a vocabulary text, else (a text only merges
    /// make) each of its bytes that is a one-byte token — llama.cpp's fallback, byte for byte.
    @inline(__always)
    private func emit(_ symbol: Int32, into output: inout [Int32]) {
        if symbol >= 0, Int(symbol) < vocabularySize { output.append(symbol); return }
        guard symbol >= 0 else { return }
        let bytes = texts.text(symbol)
        for b in bytes {
            let id = texts.find([b])
            if id >= 0, Int(id) < vocabularySize { output.append(id) }
        }
    }

    @inline(__always)
    private func push(_ left: Int32, _ right: Int32, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let a = scratch.symbol[Int(left)], b = scratch.symbol[Int(right)]
        guard let (rank, merged) = merges.find(left: a, right: b) else { return }
        scratch.heap.push(MergeCandidate(priority: UInt32(bitPattern: rank), left: left, right: right,
                                         leftWas: a, rightWas: b, merged: merged))
    }
}
