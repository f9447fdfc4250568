/// How llama.cpp's pre-tokenizers see a code point: letter (\p{L}), number (\p{N}), whitespace
/// (\s), or anything else. `none` stands for "outside the text being split" (llama.cpp's
/// OUT_OF_RANGE, whose flags are all zero), which matches no class at all.
enum UnicodeClass: UInt8 {
    case other = 0, letter = 1, number = 2, whitespace = 3, none = 4

    /// Classes of the 128 ASCII code points.
    private static let ascii: [UnicodeClass] = (0 ..< 128).map { classifyTable(UInt32($0)) }

    @inline(__always)
    static func of(_ cp: UInt32) -> UnicodeClass {
        if cp < 128 { return ascii[Int(cp)] }
        return classifyTable(cp)
    }

    /// Whitespace set, then binary search of the generated range table.
    private static func classifyTable(_ cp: UInt32) -> UnicodeClass {
        switch cp {
        case 0x09 ... 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000 ... 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return .whitespace
        default:
            break
        }
        let table = unicodeClassRanges
        var low = 0
        var high = table.count - 1
        while low < high {  // last entry whose start <= cp
            let mid = (low + high + 1) / 2
            if table[mid] >> 2 <= cp { low = mid } else { high = mid - 1 }
        }
        return UnicodeClass(rawValue: UInt8(table[low] & 3)) ?? .other
    }

    /// llama.cpp's `\p{P}` (only the default pre-tokenizer asks): an odd number of
    /// `unicodePunctuationBounds` at or below `cp` means inside a punctuation range.
    static func isPunctuation(_ cp: UInt32) -> Bool {
        let bounds = unicodePunctuationBounds
        var low = 0
        var high = bounds.count
        while low < high {  // first bound above cp
            let mid = (low + high) / 2
            if bounds[mid] <= cp { low = mid + 1 } else { high = mid }
        }
        return low % 2 == 1
    }
}
