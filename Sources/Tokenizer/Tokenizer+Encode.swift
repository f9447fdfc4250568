/// Text to token ids, as llama.cpp's `llama_tokenize` does it for BPE and SentencePiece vocabularies.
extension Tokenizer {
    /// Token ids of `text`.
    /// - Parameters:
    ///   - parseSpecial: match control tokens such as `<|im_start|>` written in the text as those
    ///     tokens (user-defined tokens are always matched, as in llama.cpp).
    ///   - addBOS: put `bosToken` first; nil uses the file's `tokenizer.ggml.add_bos_token`.
    public func encode(_ text: String, parseSpecial: Bool = true, addBOS: Bool? = nil) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS ?? addsBOS, let bos = bosToken { output.append(bos) }
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            let bytes = UnsafeBufferPointer(buffer)
            var scratch = EncodeScratch()
            // SentencePiece puts a space before text that starts the input or follows a special token.
            var afterSpecial = true
            for fragment in specials.fragments(of: bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    afterSpecial = true
                case .text(let range):
                    let text = UnsafeBufferPointer(rebasing: bytes[range])
                    switch model {
                    case .bytePair(let encoder, let pre):
                        encodeText(text, encoder, pre, scratch: &scratch, into: &output)
                    case .sentencePiece(let encoder):
                        encodePieces(text, encoder, spacePrefix: addsSpacePrefix && afterSpecial,
                                     scratch: &scratch, into: &output)
                    }
                    afterSpecial = false
                }
            }
        }
        return output
    }

    enum Fragment {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Buffers reused across the pieces of one `encode` call.
    struct EncodeScratch {
        var codePoints: [UInt32] = []
        var classes: [UnicodeClass] = []
        var byteOffsets: [Int] = []
        var ends: [Int] = []
        var bpe = BytePairEncoder.Scratch()
        var escaped: [UInt8] = []
        var spm = SentencePieceEncoder.Scratch()
    }

    /// SentencePiece on plain text: spaces become `▁` (after a leading one when `spacePrefix`),
    /// then the whole fragment is one SentencePiece session (llama.cpp's `llama_escape_whitespace`).
    func encodePieces(_ bytes: UnsafeBufferPointer<UInt8>, _ encoder: SentencePieceEncoder, spacePrefix: Bool,
                      scratch s: inout EncodeScratch, into output: inout [Int32]) {
        let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]
        s.escaped.removeAll(keepingCapacity: true)
        if spacePrefix { s.escaped.append(contentsOf: escapedSpace) }
        for b in bytes {
            if b == 0x20 { s.escaped.append(contentsOf: escapedSpace) } else { s.escaped.append(b) }
        }
        s.escaped.withUnsafeBufferPointer { encoder.encode($0, scratch: &s.spm, into: &output) }
    }

    /// Pre-tokenizes plain text into words and byte-pair-encodes each word.
    func encodeText(_ bytes: UnsafeBufferPointer<UInt8>, _ encoder: BytePairEncoder, _ preTokenizer: PreTokenizer,
                    scratch s: inout EncodeScratch, into output: inout [Int32]) {
        s.codePoints.removeAll(keepingCapacity: true)
        s.classes.removeAll(keepingCapacity: true)
        s.byteOffsets.removeAll(keepingCapacity: true)
        s.ends.removeAll(keepingCapacity: true)
        // Swift strings are valid UTF-8, so decoding needs no error handling beyond bounds.
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            var cp = UInt32(b0)
            var length = 1
            if b0 >= 0xF0, i + 3 < n {
                cp = (UInt32(b0 & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3F) << 12)
                    | (UInt32(bytes[i + 2] & 0x3F) << 6) | UInt32(bytes[i + 3] & 0x3F)
                length = 4
            } else if b0 >= 0xE0, i + 2 < n {
                cp = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
                length = 3
            } else if b0 >= 0xC0, i + 1 < n {
                cp = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F)
                length = 2
            }
            s.codePoints.append(cp)
            s.classes.append(UnicodeClass.of(cp))
            s.byteOffsets.append(i)
            i += length
        }
        s.byteOffsets.append(n)
        s.codePoints.withUnsafeBufferPointer { cps in
            s.classes.withUnsafeBufferPointer { classes in
                preTokenizer.split(cps, classes, into: &s.ends)
            }
        }
        var start = 0
        for end in s.ends {
            let word = UnsafeBufferPointer(rebasing: bytes[s.byteOffsets[start] ..< s.byteOffsets[end]])
            encoder.encode(word, scratch: &s.bpe, into: &output)
            start = end
        }
    }
}
