import GGUF

/// The tokenizer of a GGUF model: byte-level BPE (`tokenizer.ggml.model = gpt2`) with the
/// pre-tokenizer named by `tokenizer.ggml.pre`, giving exactly llama.cpp's token ids.
///
/// Built once from the file's vocabulary and merges (a few milliseconds), then immutable and
/// safe to share between threads.
public final class Tokenizer: Sendable {
    /// Number of tokens in the vocabulary.
    public let vocabularySize: Int
    /// `tokenizer.ggml.bos_token_id`, when the file names one inside the vocabulary.
    public let bosToken: Int32?
    /// `tokenizer.ggml.eos_token_id` (or, when absent, the end-of-turn token).
    public let eosToken: Int32
    /// `tokenizer.ggml.add_bos_token`: whether `encode` puts `bosToken` first by default.
    public let addsBOS: Bool
    /// The pre-tokenizer's `tokenizer.ggml.pre` name.
    public let preTokenizerName: String

    let encoder: BytePairEncoder
    let preTokenizer: PreTokenizer
    let attributes: [TokenAttributes]
    /// Special tokens, longest text first: the order llama.cpp splits text on them.
    let specialTokens: [Int32]
    let endOfGeneration: Set<Int32>

    /// Reads the vocabulary, token types, merges and special token ids from `gguf`.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        let m = gguf.metadata
        guard let model = m.string("tokenizer.ggml.model") else {
            throw .missingMetadata(key: "tokenizer.ggml.model")
        }
        guard model == "gpt2" else { throw .unsupportedModel(model) }
        let preName = m.string("tokenizer.ggml.pre") ?? "default"
        guard let pre = PreTokenizer(name: preName) else { throw .unsupportedPreTokenizer(preName) }
        guard let tokens = m.array("tokenizer.ggml.tokens") else {
            throw .missingMetadata(key: "tokenizer.ggml.tokens")
        }
        guard tokens.elementType == .string, tokens.count > 0, tokens.count < Int(Int32.max / 2) else {
            throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "must be a non-empty array of strings")
        }
        let n = tokens.count
        let vocabulary = Self.vocabularyTable(tokens)
        let attributes = try Self.attributes(m, count: n)
        let (texts, merges) = try Self.mergeTable(m, vocabulary: vocabulary)
        let table = texts
        var byteSymbols = [Int32](repeating: -1, count: 256)
        let (mapped, lengths) = ByteLevel.mappedUTF8
        for byte in 0 ..< 256 {
            let text = Array(mapped[2 * byte ..< 2 * byte + Int(lengths[byte])])
            let id = table.find(text)
            byteSymbols[byte] = id >= 0 ? id : text.withUnsafeBufferPointer { table.append($0.baseAddress!, $0.count) }
        }
        encoder = BytePairEncoder(texts: table, merges: merges, byteSymbols: byteSymbols, vocabularySize: n,
                                  wholeWordsFirst: pre.ignoresMerges)
        preTokenizer = pre
        preTokenizerName = preName
        vocabularySize = n

        func specialID(_ key: String) -> Int32? {
            guard let id = m.int(key), id >= 0, id < n else { return nil }
            return Int32(id)
        }
        func id(ofText text: String) -> Int32? {
            let id = table.find(Array(text.utf8))
            return id >= 0 && Int(id) < n ? id : nil
        }
        var attrs = attributes
        var endOfGeneration = Set<Int32>()
        for text in TokenAttributes.endOfGenerationTexts {
            if let t = id(ofText: text) { endOfGeneration.insert(t); attrs[Int(t)].insert(.control) }
        }
        var endOfTurn = specialID("tokenizer.ggml.eot_token_id")
        if endOfTurn == nil {
            endOfTurn = TokenAttributes.endOfTurnTexts.lazy.compactMap(id(ofText:)).first
        }
        let eos = specialID("tokenizer.ggml.eos_token_id")
        for t in [eos, endOfTurn, specialID("tokenizer.ggml.eom_token_id")].compactMap({ $0 }) {
            endOfGeneration.insert(t)
        }
        guard let endOfSequence = eos ?? endOfTurn else {
            throw .missingMetadata(key: "tokenizer.ggml.eos_token_id")
        }
        eosToken = endOfSequence
        bosToken = specialID("tokenizer.ggml.bos_token_id")
        addsBOS = (m.bool("tokenizer.ggml.add_bos_token") ?? (pre == .llama3)) && bosToken != nil
        self.endOfGeneration = endOfGeneration
        self.attributes = attrs
        var special: [(id: Int32, length: Int)] = []
        for t in 0 ..< n where attrs[t].isSpecial {
            special.append((Int32(t), table.withText(Int32(t)) { $0.count }))
        }
        special.sort { a, b in a.length > b.length || (a.length == b.length && a.id < b.id) }
        specialTokens = special.map { $0.id }
    }

    /// True for tokens that end generation: eos, end-of-turn (`<|im_end|>`, `<|eot_id|>`, …),
    /// end-of-message, and the other texts llama.cpp treats so.
    public func isEndOfGeneration(_ token: Int32) -> Bool { endOfGeneration.contains(token) }

    /// True for control, user-defined and unknown tokens (the ones matched whole in text).
    public func isSpecial(_ token: Int32) -> Bool {
        token >= 0 && Int(token) < vocabularySize && attributes[Int(token)].isSpecial
    }

    /// The id of the token whose (byte-mapped) vocabulary text is exactly `text`, e.g. "<|im_end|>".
    public func token(forText text: String) -> Int32? {
        let id = encoder.texts.find(Array(text.utf8))
        return id >= 0 && Int(id) < vocabularySize ? id : nil
    }
}
