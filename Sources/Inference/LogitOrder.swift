/// The sampler's order of candidate tokens, most likely first: logit descending, ties by token id
/// ascending. It is the order of
/// `sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.token < $1.token) }`, the reference the
/// tests hold it to, reached by a stable least-significant-digit radix sort over the logit's bits.
///
/// Why not that one-line sort: nearly the whole vocabulary lies within the sampler's 40-nat window
/// (49,030 of 49,152 tokens on average over `vsynth synthesize examples/sentiment.prompt`), and the
/// top-p normalizer sums every one of them in this order, so the order is needed in full for the
/// same bits. The comparison sort took 3.7 ms per sampled token, on the thread that drives a batched
/// step while the others wait; three radix passes over 8-byte keys, with the candidates built from
/// them, take 0.8 ms.
struct LogitOrder {
    /// (candidates) keys: the order-preserving key of the logit in the high 32 bits (inverted, so
    /// ascending keys are descending logits), the token id in the low 32.
    private var keys: [UInt64] = []
    private var scratch: [UInt64] = []
    /// (passes × buckets) digit counts.
    private var counts = [Int](repeating: 0, count: Self.passes * Self.buckets)

    private static let digitBits = 11
    private static let buckets = 1 << digitBits
    /// 3 × 11 bits cover the 32-bit logit key.
    private static let passes = 3

    /// Adds a candidate. Tokens must come in ascending id order: the sort is stable, and that
    /// order is what breaks ties between equal logits.
    mutating func append(token: Int32, logit: Float) {
        keys.append(UInt64(Self.descendingKey(logit)) << 32 | UInt64(UInt32(bitPattern: token)))
    }

    mutating func removeAll() { keys.removeAll(keepingCapacity: true) }

    /// Sorts the appended candidates and hands them out most likely first, with their logits.
    mutating func sorted(_ body: (_ token: Int32, _ logit: Float) -> Void) {
        radixSort()
        for key in keys {
            body(Int32(truncatingIfNeeded: key & 0xFFFF_FFFF), Self.logit(fromDescendingKey: UInt32(key >> 32)))
        }
    }

    private mutating func radixSort() {
        let n = keys.count
        guard n > 1 else { return }
        if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
        let mask = UInt64(Self.buckets - 1)
        counts.withUnsafeMutableBufferPointer { counts in
            counts.update(repeating: 0)
            for key in keys {
                for pass in 0..<Self.passes {
                    let digit = Int((key >> UInt64(32 + pass * Self.digitBits)) & mask)
                    counts[pass * Self.buckets + digit] += 1
                }
            }
            var inKeys = true
            for pass in 0..<Self.passes {
                let base = pass * Self.buckets
                // A digit every key shares leaves the order as it is.
                if counts[base..<(base + Self.buckets)].contains(n) { continue }
                var offset = 0
                for bucket in 0..<Self.buckets {
                    let c = counts[base + bucket]
                    counts[base + bucket] = offset
                    offset += c
                }
                let shift = UInt64(32 + pass * Self.digitBits)
                keys.withUnsafeMutableBufferPointer { keys in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        let (from, to) = inKeys ? (keys, scratch) : (scratch, keys)
                        for i in 0..<n {
                            let key = from[i]
                            let slot = base + Int((key >> shift) & mask)
                            to[counts[slot]] = key
                            counts[slot] += 1
                        }
                    }
                }
                inKeys.toggle()
            }
            if !inKeys { keys.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: scratch[0..<n]) } }
        }
    }

    /// A key whose ascending order is the logits' descending order. -0 counts as +0, as `==` does.
    static func descendingKey(_ logit: Float) -> UInt32 {
        let bits = (logit + 0).bitPattern
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return ~ascending
    }

    static func logit(fromDescendingKey key: UInt32) -> Float {
        let ascending = ~key
        return Float(bitPattern: ascending & 0x8000_0000 != 0 ? ascending & 0x7FFF_FFFF : ~ascending)
    }
}
