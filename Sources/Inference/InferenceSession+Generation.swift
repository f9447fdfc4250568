import JSONSchema
import LanguageModel
import Tokenizer

extension InferenceSession {
    /// Generates after `prompt` (token ids) until an end-of-generation token, a stop string, or
    /// `options.maxTokens`, in the primary sequence. The prompt reuses the cached prefix
    /// (`restartPoint`); `onText` receives the text as it becomes final (stop strings and incomplete
    /// UTF-8 held back). Generated tokens stay in the cache.
    public func generate(prompt: [Int32], options: GenerationOptions,
                         onText: (String) -> Void = { _ in }) throws(LanguageModelError) -> Generation {
        guard !prompt.isEmpty else { throw .failed("generation needs a non-empty prompt") }
        guard prompt.count <= contextLength else {
            throw .contextOverflow(needed: prompt.count, limit: contextLength)
        }
        try checkTokens(prompt)
        let vocab = model.config.vocabularySize
        var state = GenerationState(options: options, tokenizer: model.tokenizer, mask: try tokenMask(for: options))
        let restart = Self.restartPoint(common: primary.commonPrefix(with: prompt), count: prompt.count)
        truncate(to: restart)
        try append(prompt[restart...], logitsFrom: prompt.count - 1 - restart) { _, logits in
            state.choose(logits, vocabularySize: vocab)
        }
        var step: [Int32] = [0]   // reused: one token per decode step, no allocation per token
        while try state.accept(contextFull: tokens.count >= contextLength, onText: onText) {
            try checkCancelled()
            step[0] = state.next
            try append(step[...], logitsFrom: 0) { _, logits in state.choose(logits, vocabularySize: vocab) }
        }
        return state.result(onText: onText)
    }
}

extension InferenceSession {
    /// The token mask for a generation's constraint and banned openings; nil for free text.
    func tokenMask(for options: GenerationOptions) throws(LanguageModelError) -> TokenMask? {
        guard options.constraint != nil || !options.bannedOpenings.isEmpty else { return nil }
        if tokenPieces == nil {
            tokenPieces = TokenPieces(tokenizer: model.tokenizer, vocabularySize: model.config.vocabularySize)
        }
        var grammar: GrammarMask?
        if case .json(let schema) = options.constraint {
            let compiled: JSONGrammar
            do { compiled = try JSONGrammar(schema: schema) } catch { throw .unsupported(error.description) }
            grammar = GrammarMask(matcher: JSONGrammarMatcher(grammar: compiled, mode: .generation), pieces: tokenPieces!)
        }
        return TokenMask(grammar: grammar, opening: OpeningMask(words: options.bannedOpenings, pieces: tokenPieces!))
    }
}
