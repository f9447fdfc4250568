/// SentencePiece BPE (`tokenizer.ggml.model = llama`) on one fragment of text whose spaces are
/// already `▁`, as llama.cpp's `llm_tokenizer_spm_session` does it: every character starts as a
/// symbol; the adjacent pair whose joined text is a token with the highest score (leftmost among
/// equal scores) is merged, until no pair is a token; a final symbol that is no token becomes its
/// bytes' `<0xNN>` tokens (byte fallback).
struct SentencePieceEncoder: Sendable {
    /// The vocabulary (token id = number), shared with the tokenizer.
    let texts: TextTable
    /// `tokenizer.ggml.scores`, one per token.
    let scores: [Float]
    let vocabularySize: Int
    /// Token of each byte: `<0xNN>`, else the one-byte text (llama.cpp's `byte_to_token`), else
    /// the unknown token, else -1 (nothing is emitted).
    let byteTokens: [Int32]

    /// A run of characters `start ..< start + length` of the fragment; length 0 once merged away.
    struct Symbol {
        var start: Int32
        var length: Int32
        var prev: Int32
        var next: Int32
    }

    /// Reusable buffers of one encode call.
    struct Scratch {
        var symbols: [Symbol] = []
        var queue = MergeQueue()
    }

    /// Appends the token ids of `text` (UTF-8, spaces escaped as `▁`) to `output`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into output: inout [Int32]) {
        let n = text.count
        guard n > 0, let base = text.baseAddress else { return }
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        // One symbol per character (length from the lead byte, as `unicode_len_utf8`).
        var offset = 0
        while offset < n {
            let length = min(Self.utf8Length(text[offset]), n - offset)
            let index = Int32(scratch.symbols.count)
            scratch.symbols.append(Symbol(start: Int32(offset), length: Int32(length), prev: index - 1,
                                          next: offset + length == n ? -1 : index + 1))
            offset += length
        }
        for i in 1 ..< max(1, scratch.symbols.count) { addBigram(Int32(i - 1), Int32(i), base, &scratch) }
        while let bigram = scratch.queue.pop() {
            let l = Int(bigram.left), r = Int(bigram.right)
            let left = scratch.symbols[l], right = scratch.symbols[r]
            // Outdated: a side was merged since this pair was queued (lengths only grow, or drop to 0).
            guard left.length == bigram.leftWas, right.length == bigram.rightWas else { continue }
            scratch.symbols[l].length += right.length
            scratch.symbols[r].length = 0
            scratch.symbols[l].next = right.next
            if right.next >= 0 { scratch.symbols[Int(right.next)].prev = bigram.left }
            addBigram(left.prev, bigram.left, base, &scratch)
            addBigram(bigram.left, right.next, base, &scratch)
        }
        var i: Int32 = 0
        while i >= 0 {
            let symbol = scratch.symbols[Int(i)]
            let start = base + Int(symbol.start)
            let id = texts.find(start, Int(symbol.length))
            if id >= 0, Int(id) < vocabularySize {
                output.append(id)
            } else {
                for j in 0 ..< Int(symbol.length) where byteTokens[Int(start[j])] >= 0 {
                    output.append(byteTokens[Int(start[j])])
                }
            }
            i = symbol.next
        }
    }

    /// Queues the merge of `left` and `right` when their joined text is a token.
    @inline(__always)
    private func addBigram(_ left: Int32, _ right: Int32, _ base: UnsafePointer<UInt8>, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let l = scratch.symbols[Int(left)], r = scratch.symbols[Int(right)]
        let id = texts.find(base + Int(l.start), Int(l.length + r.length))
        guard id >= 0, Int(id) < vocabularySize else { return }
        scratch.queue.push(MergeCandidate(priority: MergeCandidate.priority(descendingScore: scores[Int(id)]),
                                          left: left, right: right, leftWas: l.length, rightWas: r.length))
    }

    /// Bytes of the UTF-8 sequence a lead byte starts (llama.cpp's `unicode_len_utf8`).
    @inline(__always)
    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
