/// Splits text into words before BPE, reproducing llama.cpp's hand-written regex engines
/// (`unicode_regex_split_custom_gpt2` / `_llama3` in unicode.cpp) code point for code point.
enum PreTokenizer: Sendable, Equatable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// SmolLM, StarCoder, …: first `\p{N}` (every number code point alone), then the gpt2 rule
    /// inside each piece.
    case smollm
    /// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3

    /// The pre-tokenizer llama.cpp selects for a `tokenizer.ggml.pre` value, if implemented here.
    init?(name: String) {
        switch name {
        case "gpt-2", "phi-2": self = .gpt2
        case "smollm", "starcoder", "refact", "codeshell": self = .smollm
        case "llama3", "llama-v3", "llama-bpe": self = .llama3
        default: return nil
        }
    }

    /// Word boundaries: appends the end (code point index) of each word of `cps[range]`.
    /// `classes[i]` is the class of `cps[i]`.
    func split(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
               into ends: inout [Int]) {
        switch self {
        case .gpt2:
            Self.splitGPT2(cps, classes, 0 ..< cps.count, into: &ends)
        case .llama3:
            Self.splitLlama3(cps, classes, 0 ..< cps.count, into: &ends)
        case .smollm:
            // `\p{N}` with llama.cpp's std::regex fallback: each number alone, the runs between kept.
            var start = 0
            for i in 0 ..< cps.count where classes[i] == .number {
                if start < i { Self.splitGPT2(cps, classes, start ..< i, into: &ends) }
                Self.splitGPT2(cps, classes, i ..< i + 1, into: &ends)
                start = i + 1
            }
            if start < cps.count { Self.splitGPT2(cps, classes, start ..< cps.count, into: &ends) }
        }
    }

    /// Llama 3 looks a whole word up in the vocabulary before merging (llama.cpp's `ignore_merges`).
    var ignoresMerges: Bool { self == .llama3 }

    /// Port of `unicode_regex_split_custom_gpt2` on one piece `range` (positions outside it are
    /// "out of range": no class, as in llama.cpp).
    static func splitGPT2(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
                          _ range: Range<Int>, into ends: inout [Int]) {
        let end = range.upperBound
        @inline(__always) func cls(_ i: Int) -> UnicodeClass { i < end ? classes[i] : .none }
        @inline(__always) func cp(_ i: Int) -> UInt32 { i < end ? cps[i] : 0xFFFF_FFFF }
        var pos = range.lowerBound
        while pos < end {
            let c = cps[pos]
            // 's|'t|'re|'ve|'m|'ll|'d
            if c == 0x27, pos + 1 < end {
                let n = cps[pos + 1]
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 {  // s t m d
                    pos += 2; ends.append(pos); continue
                }
                if pos + 2 < end {
                    let nn = cps[pos + 2]
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {  // re ve ll
                        pos += 3; ends.append(pos); continue
                    }
                }
            }
            let isSpace = c == 0x20
            let next = isSpace ? cls(pos + 1) : classes[pos]
            // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
            if next == .letter || next == .number || next == .other {
                if isSpace { pos += 1 }
                while cls(pos) == next { pos += 1 }
                ends.append(pos)
                continue
            }
            var spaces = 0
            while cls(pos + spaces) == .whitespace { spaces += 1 }
            // '\s+(?!\S)': leave the last space for the next word
            if spaces > 1, cp(pos + spaces) != 0xFFFF_FFFF {
                pos += spaces - 1; ends.append(pos); continue
            }
            // '\s+'
            if spaces > 0 { pos += spaces; ends.append(pos); continue }
            pos += 1
            ends.append(pos)
        }
    }

    /// Port of `unicode_regex_split_custom_llama3` on one piece `range`.
    static func splitLlama3(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
                            _ range: Range<Int>, into ends: inout [Int]) {
        let end = range.upperBound
        @inline(__always) func cls(_ i: Int) -> UnicodeClass { i < end ? classes[i] : .none }
        @inline(__always) func cp(_ i: Int) -> UInt32 { i < end ? cps[i] : 0xFFFF_FFFF }
        @inline(__always) func lower(_ c: UInt32) -> UInt32 { (0x41 ... 0x5A).contains(c) ? c + 32 : c }
        var pos = range.lowerBound
        while pos < end {
            let c = cps[pos]
            let flags = classes[pos]
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if c == 0x27, pos + 1 < end {
                let n = lower(cps[pos + 1])
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { pos += 2; ends.append(pos); continue }
                if pos + 2 < end {
                    let nn = lower(cps[pos + 2])
                    if (n == 0x72 && nn == 0x65) || (n == 0x76 && nn == 0x65) || (n == 0x6C && nn == 0x6C) {
                        pos += 3; ends.append(pos); continue
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == 0x0D || c == 0x0A || flags == .number), flags == .letter || cls(pos + 1) == .letter {
                pos += 1
                while cls(pos) == .letter { pos += 1 }
                ends.append(pos)
                continue
            }
            // \p{N}{1,3}
            if flags == .number {
                var start = pos
                while cls(pos) == .number {
                    pos += 1
                    if pos - start >= 3 { ends.append(pos); start = pos }
                }
                if ends.last != pos { ends.append(pos) }
                continue
            }
            // <space>?[^\s\p{L}\p{N}]+[\r\n]*
            let next = c == 0x20 ? cls(pos + 1) : flags
            if next == .other {
                if c == 0x20 { pos += 1 }
                while cls(pos) == .other { pos += 1 }
                while cp(pos) == 0x0D || cp(pos) == 0x0A { pos += 1 }
                ends.append(pos)
                continue
            }
            var spaces = 0
            var lastNewlineEnd = 0
            while cls(pos + spaces) == .whitespace {
                let c2 = cps[pos + spaces]
                if c2 == 0x0D || c2 == 0x0A { lastNewlineEnd = pos + spaces + 1 }
                spaces += 1
            }
            // \s*[\r\n]+
            if lastNewlineEnd > 0 { pos = lastNewlineEnd; ends.append(pos); continue }
            // \s+(?!\S)
            if spaces > 1, cp(pos + spaces) != 0xFFFF_FFFF { pos += spaces - 1; ends.append(pos); continue }
            // \s+
            if spaces > 0 { pos += spaces; ends.append(pos); continue }
            pos += 1
            ends.append(pos)
        }
    }
}
