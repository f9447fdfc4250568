import GGUF

/// The tokenizer of a GGUF model, giving exactly llama.cpp's token ids: byte-level BPE
/// (`tokenizer.ggml.model = gpt2`) with the pre-tokenizer named by `tokenizer.ggml.pre`, or
/// SentencePiece (`llama`: Gemma, Llama 2, Mistral) with scores, `▁` for spaces and byte fallback.
///
/// Built once from the file's vocabulary (a few milliseconds, ~50 ms for Gemma's 262,144 tokens),
/// then immutable and safe to share between threads.
public final class Tokenizer: Sendable {
    /// The algorithm of `tokenizer.ggml.model`.
    public enum Kind: String, Sendable {
        /// Byte-level BPE with merges (`gpt2`: SmolLM, Llama 3, Qwen 2).
        case bytePair = "gpt2"
        /// SentencePiece BPE with scores (`llama`: Gemma, Llama 2, Mistral).
        case sentencePiece = "llama"
    }

    public let kind: Kind
    /// Number of tokens in the vocabulary.
    public let vocabularySize: Int
    /// `tokenizer.ggml.bos_token_id` (SentencePiece: 1 when absent), when inside the vocabulary.
    public let bosToken: Int32?
    /// `tokenizer.ggml.eos_token_id` (SentencePiece: 2 when absent; otherwise the end-of-turn token).
    public let eosToken: Int32
    /// `tokenizer.ggml.eot_token_id`, or the first end-of-turn text the vocabulary has (`<end_of_turn>`, `<|im_end|>`, …).
    public let endOfTurnToken: Int32?
    /// `tokenizer.ggml.add_bos_token` (default: true for SentencePiece and Llama 3): callers put
    /// `bosToken` first when this is true; `encode(_:addBOS: nil)` does.
    public let addsBOS: Bool
    /// `tokenizer.ggml.add_eos_token`: llama.cpp appends `eosToken` to a prompt when true
    /// (`encode` never does; callers who want llama.cpp's full prompt append it).
    public let addsEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece only, default true): a space is put before
    /// text at the start and after each special token, and decoding drops it again.
    public let addsSpacePrefix: Bool
    /// The file's `tokenizer.ggml.pre` ("default" when absent).
    public let preTokenizerName: String

    /// The vocabulary texts (token id = number), then, for BPE, texts only merges make.
    let texts: TextTable
    let model: Model
    let attributes: [TokenAttributes]
    /// Splits text on the special tokens written in it.
    let specials: SpecialTokenMatcher
    let endOfGeneration: Set<Int32>

    /// The encoder of each `Kind`.
    enum Model: Sendable {
        case bytePair(BytePairEncoder, PreTokenizer)
        case sentencePiece(SentencePieceEncoder)
    }

    /// Reads the vocabulary, token types, merges or scores and special token ids from `gguf`.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        let m = gguf.metadata
        guard let modelName = m.string("tokenizer.ggml.model") else {
            throw .missingMetadata(key: "tokenizer.ggml.model")
        }
        guard let kind = Kind(rawValue: modelName) else { throw .unsupportedModel(modelName) }
        guard let tokens = m.array("tokenizer.ggml.tokens") else {
            throw .missingMetadata(key: "tokenizer.ggml.tokens")
        }
        guard tokens.elementType == .string, tokens.count > 0, tokens.count < Int(Int32.max / 2) else {
            throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "must be a non-empty array of strings")
        }
        let n = tokens.count
        let table = Self.vocabularyTable(tokens)
        var attrs = try Self.attributes(m, count: n)
        let preName = m.string("tokenizer.ggml.pre") ?? "default"

        func specialID(_ key: String, default fallback: Int32? = nil) -> Int32? {
            guard let id = m.int(key) else { return fallback.flatMap { Int($0) < n ? $0 : nil } }
            return id >= 0 && id < n ? Int32(id) : fallback.flatMap { Int($0) < n ? $0 : nil }
        }
        func id(ofText text: String) -> Int32? {
            let id = table.find(Array(text.utf8))
            return id >= 0 && Int(id) < n ? id : nil
        }
        let isSentencePiece = kind == .sentencePiece
        let unknown = specialID("tokenizer.ggml.unknown_token_id", default: isSentencePiece ? 0 : nil)
        let bos = specialID("tokenizer.ggml.bos_token_id", default: isSentencePiece ? 1 : nil)
        let eos = specialID("tokenizer.ggml.eos_token_id", default: isSentencePiece ? 2 : nil)
        let addBOSByDefault: Bool
        switch kind {
        case .bytePair:
            guard let pre = PreTokenizer(name: preName) else { throw .unsupportedPreTokenizer(preName) }
            let merges = try Self.mergeTable(m, vocabulary: table)
            model = .bytePair(BytePairEncoder(texts: table, merges: merges, byteSymbols: Self.byteSymbols(table),
                                              vocabularySize: n, wholeWordsFirst: pre.ignoresMerges), pre)
            addBOSByDefault = pre == .llama3
        case .sentencePiece:
            let scores = try Self.scores(m, count: n)
            model = .sentencePiece(SentencePieceEncoder(texts: table, scores: scores, vocabularySize: n,
                                                        byteTokens: Self.byteTokens(table, count: n, unknown: unknown)))
            addBOSByDefault = true
        }
        self.kind = kind
        texts = table
        preTokenizerName = preName
        vocabularySize = n

        var endOfGeneration = Set<Int32>()
        for text in TokenAttributes.endOfGenerationTexts {
            if let t = id(ofText: text) { endOfGeneration.insert(t); attrs[Int(t)].insert(.control) }
        }
        let endOfTurn = specialID("tokenizer.ggml.eot_token_id")
            ?? TokenAttributes.endOfTurnTexts.lazy.compactMap(id(ofText:)).first
        for t in [eos, endOfTurn, specialID("tokenizer.ggml.eom_token_id")].compactMap({ $0 }) {
            endOfGeneration.insert(t)
        }
        guard let endOfSequence = eos ?? endOfTurn else {
            throw .missingMetadata(key: "tokenizer.ggml.eos_token_id")
        }
        eosToken = endOfSequence
        endOfTurnToken = endOfTurn
        bosToken = bos
        addsBOS = (m.bool("tokenizer.ggml.add_bos_token") ?? addBOSByDefault) && bos != nil
        addsEOS = (m.bool("tokenizer.ggml.add_eos_token") ?? false)
        addsSpacePrefix = isSentencePiece && (m.bool("tokenizer.ggml.add_space_prefix") ?? true)
        self.endOfGeneration = endOfGeneration
        self.attributes = attrs
        var special: [(id: Int32, length: Int)] = []
        for t in 0 ..< n where attrs[t].isSpecial {
            special.append((Int32(t), table.withText(Int32(t)) { $0.count }))
        }
        special.sort { a, b in a.length > b.length || (a.length == b.length && a.id < b.id) }
        specials = SpecialTokenMatcher(tokens: special.map { $0.id }, texts: table, attributes: attrs)
    }

    /// True for tokens that end generation: eos, end-of-turn (`<|im_end|>`, `<end_of_turn>`, …),
    /// end-of-message, and the other texts llama.cpp treats so.
    public func isEndOfGeneration(_ token: Int32) -> Bool { endOfGeneration.contains(token) }

    /// True for control, user-defined and unknown tokens (the ones matched whole in text).
    public func isSpecial(_ token: Int32) -> Bool {
        token >= 0 && Int(token) < vocabularySize && attributes[Int(token)].isSpecial
    }

    /// The id of the token whose vocabulary text is exactly `text`, e.g. "<|im_end|>".
    public func token(forText text: String) -> Int32? {
        let id = texts.find(Array(text.utf8))
        return id >= 0 && Int(id) < vocabularySize ? id : nil
    }
}
