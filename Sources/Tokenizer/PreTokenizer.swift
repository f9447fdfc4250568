/// Splits text into words before BPE, reproducing llama.cpp's regex splitting (unicode.cpp:
/// the hand-written `unicode_regex_split_custom_gpt2` / `_llama3` / `_qwen2`, and for the other
/// expressions its std::regex fallback) code point for code point.
enum PreTokenizer: Sendable, Equatable, CaseIterable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// SmolLM, StarCoder, …: first `\p{N}` (every number code point alone), then the gpt2 rule
    /// inside each piece.
    case smollm
    /// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3
    /// Qwen 2: the Llama 3 expression with `\p{N}` (one number code point per word) for `\p{N}{1,3}`.
    case qwen2
    /// llama.cpp's default (`tokenizer.ggml.pre` "default" or absent): `[\p{P}\$\+<=>\^~\|]+`,
    /// then the gpt2 rule, then `\p{N}+`, then `[0-9][0-9][0-9]`, each inside the pieces of the one before.
    case standard

    /// The `tokenizer.ggml.pre` values llama.cpp maps to each pre-tokenizer (llama-vocab.cpp), first
    /// the usual name.
    var names: [String] {
        switch self {
        case .gpt2: return ["gpt-2", "phi-2", "mpt", "olmo"]
        case .smollm: return ["smollm", "starcoder", "refact", "codeshell", "command-r", "exaone", "minerva-7b"]
        case .llama3: return ["llama-bpe", "llama3", "llama-v3", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"]
        case .qwen2: return ["qwen2", "deepseek-r1-qwen", "megrez", "kormo", "f2llmv2"]
        case .standard: return ["default"]
        }
    }

    /// Every accepted `tokenizer.ggml.pre` value, for error messages.
    static var supportedNames: [String] { allCases.flatMap(\.names) }

    /// The pre-tokenizer llama.cpp selects for a `tokenizer.ggml.pre` value, if implemented here.
    init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.names.contains(name) }) else { return nil }
        self = match
    }

    /// Word boundaries: appends the end (code point index) of each word of `cps[range]`.
    /// `classes[i]` is the class of `cps[i]`.
    func split(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
               into ends: inout [Int]) {
        switch self {
        case .gpt2:
            Self.splitGPT2(cps, classes, 0 ..< cps.count, into: &ends)
        case .llama3:
            Self.splitLlama3(cps, classes, 0 ..< cps.count, digits: 3, into: &ends)
        case .qwen2:
            Self.splitLlama3(cps, classes, 0 ..< cps.count, digits: 1, into: &ends)
        case .standard:
            Self.splitStandard(cps, classes, into: &ends)
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

    /// Port of `unicode_regex_split_custom_llama3` (numbers in words of up to `digits` = 3) and
    /// `unicode_regex_split_custom_qwen2` (`digits` = 1) on one piece `range`.
    static func splitLlama3(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
                            _ range: Range<Int>, digits: Int, into ends: inout [Int]) {
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
            // \p{N}{1,3} (Qwen 2: \p{N})
            if flags == .number {
                var start = pos
                while cls(pos) == .number {
                    pos += 1
                    if pos - start >= digits { ends.append(pos); start = pos }
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

    /// llama.cpp's default expressions, each applied inside the pieces of the one before. All but
    /// the second run on std::regex over the "collapsed" text, where a code point above 127 stands
    /// for its category, so only ASCII is matched by character.
    static func splitStandard(_ cps: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UnicodeClass>,
                              into ends: inout [Int]) {
        // [\p{P}\$\+<=>\^~\|]+ — the runs and the text between them
        var punctuation: [Int] = []
        splitRuns(0 ..< cps.count, into: &punctuation) { isStandardPunctuation(cps[$0], classes[$0]) }
        var words: [Int] = []
        var start = 0
        for end in punctuation { splitGPT2(cps, classes, start ..< end, into: &words); start = end }
        // \p{N}+
        var numbers: [Int] = []
        start = 0
        for end in words { splitRuns(start ..< end, into: &numbers) { classes[$0] == .number }; start = end }
        // [0-9][0-9][0-9]: left to right, the text between matches kept as one piece
        start = 0
        for end in numbers {
            var gap = start
            var pos = start
            while pos + 3 <= end {
                if (0 ..< 3).allSatisfy({ (0x30 ... 0x39).contains(cps[pos + $0]) }) {
                    if pos > gap { ends.append(pos) }
                    pos += 3
                    ends.append(pos)
                    gap = pos
                } else {
                    pos += 1
                }
            }
            if gap < end { ends.append(end) }
            start = end
        }
    }

    /// Ends of the maximal runs of `range` over which `matches` does not change: a regex `[…]+`
    /// with the unmatched text between its matches kept as pieces (llama.cpp's `unicode_regex_split_stl`).
    static func splitRuns(_ range: Range<Int>, into ends: inout [Int], _ matches: (Int) -> Bool) {
        guard !range.isEmpty else { return }
        var current = matches(range.lowerBound)
        for i in range.dropFirst() {
            let m = matches(i)
            if m != current { ends.append(i); current = m }
        }
        ends.append(range.upperBound)
    }

    /// `[\p{P}\$\+<=>\^~\|]` on the collapsed text: ASCII punctuation and symbols except the
    /// backquote, and code points above 127 whose category is punctuation.
    static func isStandardPunctuation(_ cp: UInt32, _ cls: UnicodeClass) -> Bool {
        switch cp {
        case 0x21 ... 0x2F, 0x3A ... 0x40, 0x5B ... 0x5F, 0x7B ... 0x7E: return true
        case 0 ..< 0x80: return false
        default: return cls != .whitespace && UnicodeClass.isPunctuation(cp)
        }
    }
}
