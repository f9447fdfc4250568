import GGUF

/// Building the tokenizer's tables from GGUF metadata.
extension Tokenizer {
    /// The vocabulary texts as numbers 0..<n (empty ones renamed `[EMPTY_i]` as llama.cpp does).
    static func vocabularyTable(_ tokens: GGUFArray) -> TextTable {
        let n = tokens.count
        let table = TextTable(capacity: n + n / 4)
        tokens.withStringStorage { bytes, ends in
            var start = 0
            for i in 0 ..< n {
                let end = ends[i]
                if end > start {
                    table.append(bytes.baseAddress! + start, end - start)
                } else {
                    let name = Array("[EMPTY_\(i)]".utf8)
                    _ = name.withUnsafeBufferPointer { table.append($0.baseAddress!, $0.count) }
                }
                start = end
            }
        }
        return table
    }

    /// Token attributes from `tokenizer.ggml.token_type` (all normal when absent).
    static func attributes(_ m: GGUFMetadata, count n: Int) throws(TokenizerError) -> [TokenAttributes] {
        guard let types = m.array("tokenizer.ggml.token_type") else {
            return [TokenAttributes](repeating: .normal, count: n)
        }
        guard types.elementType == .int32, types.count >= n, let values = types.ints else {
            throw .invalidMetadata(key: "tokenizer.ggml.token_type",
                                   reason: "must be an int32 array with one entry per token")
        }
        return values.prefix(n).map(TokenAttributes.init(tokenType:))
    }

    /// Merge ranks from `tokenizer.ggml.merges` ("left right", rank = position). Texts a merge
    /// names that are not tokens get numbers after the vocabulary, so merging stays exact.
    static func mergeTable(_ m: GGUFMetadata, vocabulary: TextTable) throws(TokenizerError) -> MergeTable {
        guard let merges = m.array("tokenizer.ggml.merges") else {
            throw .missingMetadata(key: "tokenizer.ggml.merges")
        }
        guard merges.elementType == .string, merges.count < Int(Int32.max / 4) else {
            throw .invalidMetadata(key: "tokenizer.ggml.merges", reason: "must be an array of strings")
        }
        let texts = vocabulary
        let table = MergeTable(capacity: merges.count)
        var joined = [UInt8](repeating: 0, count: 256)
        merges.withStringStorage { bytes, ends in
            var start = 0
            for rank in 0 ..< merges.count {
                let end = ends[rank]
                defer { start = end }
                let p = bytes.baseAddress! + start
                let length = end - start
                // Split at the first space after the first byte (llama.cpp: `find(' ', 1)`).
                var space = 1
                while space < length, p[space] != 0x20 { space += 1 }
                guard space < length else { continue }
                func number(_ q: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
                    let id = texts.find(q, count)
                    return id >= 0 ? id : texts.append(q, count)
                }
                let left = number(p, space)
                let right = number(p + space + 1, length - space - 1)
                if joined.count < length { joined = [UInt8](repeating: 0, count: length * 2) }
                let merged = joined.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    let out = buffer.baseAddress!
                    out.update(from: p, count: space)
                    (out + space).update(from: p + space + 1, count: length - space - 1)
                    return number(UnsafePointer(out), length - 1)
                }
                table.insertIfAbsent(left: left, right: right, rank: Int32(rank), merged: merged)
            }
        }
        return table
    }

    /// Scores from `tokenizer.ggml.scores` (float32 or int32, as llama.cpp reads them); all 0 when absent.
    static func scores(_ m: GGUFMetadata, count n: Int) throws(TokenizerError) -> [Float] {
        guard let scores = m.array("tokenizer.ggml.scores") else { return [Float](repeating: 0, count: n) }
        guard scores.elementType == .float32 || scores.elementType == .int32, scores.count >= n,
              let values = scores.floats else {
            throw .invalidMetadata(key: "tokenizer.ggml.scores",
                                   reason: "must be a float32 or int32 array with one entry per token")
        }
        return Array(values.prefix(n))
    }

    /// SentencePiece's byte fallback: the token of each byte, `<0xNN>`, else the one-byte text
    /// (llama.cpp's `byte_to_token`), else `unknown`, else -1.
    static func byteTokens(_ table: TextTable, count n: Int, unknown: Int32?) -> [Int32] {
        let hex = Array("0123456789ABCDEF".utf8)
        return (0 ..< 256).map { byte in
            let name: [UInt8] = Array("<0x".utf8) + [hex[byte >> 4], hex[byte & 15], UInt8(ascii: ">")]
            for text in [name, [UInt8(byte)]] {
                let id = table.find(text)
                if id >= 0, Int(id) < n { return id }
            }
            return unknown ?? -1
        }
    }

    /// Byte-level BPE's symbol for each byte: the number of its mapped one-character text,
    /// appended to `table` when the vocabulary lacks it.
    static func byteSymbols(_ table: TextTable) -> [Int32] {
        let (mapped, lengths) = ByteLevel.mappedUTF8
        return (0 ..< 256).map { byte in
            let text = Array(mapped[2 * byte ..< 2 * byte + Int(lengths[byte])])
            let id = table.find(text)
            return id >= 0 ? id : text.withUnsafeBufferPointer { table.append($0.baseAddress!, $0.count) }
        }
    }
}
