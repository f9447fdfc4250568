import JSONSchema
import LanguageModel
import Tokenizer

extension InferenceSession {
    /// Generates after `prompt` (token ids) until an end-of-generation token, a stop string, or
    /// `options.maxTokens`. The prompt reuses the cached prefix; `onText` receives the text as it
    /// becomes final (stop strings and incomplete UTF-8 held back). Generated tokens stay in the cache.
    public func generate(prompt: [Int32], options: GenerationOptions,
                         onText: (String) -> Void = { _ in }) throws(LanguageModelError) -> Generation {
        guard !prompt.isEmpty else { throw .failed("generation needs a non-empty prompt") }
        guard prompt.count <= contextLength else {
            throw .contextOverflow(needed: prompt.count, limit: contextLength)
        }
        try checkTokens(prompt)
        let tokenizer: Tokenizer = model.tokenizer
        let vocab = model.config.vocabularySize
        var sampler = Sampler(options: options)
        var mask = try grammarMask(for: options.constraint)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var stops = StopMatcher(stops: options.stop)

        var common = 0
        let limit = min(tokens.count, prompt.count)
        while common < limit, tokens[common] == prompt[common] { common += 1 }
        let restart = min(common, prompt.count - 1)
        truncate(to: restart)
        var next: Int32 = 0
        var allowedNone = false
        /// The next token, under the grammar when there is one.
        func choose(_ logits: UnsafePointer<Float>) {
            guard mask != nil else { next = sampler.sample(logits, vocabularySize: vocab); return }
            if let token = sampler.sample(logits, vocabularySize: vocab, mask: &mask!) { next = token } else { allowedNone = true }
        }
        try append(prompt[restart...], logitsFrom: prompt.count - 1 - restart) { _, logits in choose(logits) }

        var generated = 0
        var step: [Int32] = [0]   // reused: one token per decode step, no allocation per token
        var finish = Generation.FinishReason.length
        while generated < options.maxTokens {
            if allowedNone { throw .failed("no token continues the output grammar") }
            if tokenizer.isEndOfGeneration(next) { finish = .endOfText; break }
            generated += 1
            mask?.accept(next)
            let (ready, stopped) = stops.append(decoder.append(next))
            if !ready.isEmpty { onText(ready) }
            if stopped { finish = .stop; break }
            // The grammar's document is finished: nothing may follow it.
            if mask?.matcher.isClosed == true { finish = .stop; break }
            if generated == options.maxTokens || tokens.count >= contextLength { break }
            try checkCancelled()
            step[0] = next
            try append(step[...], logitsFrom: 0) { _, logits in choose(logits) }
        }
        if finish != .stop {
            let (ready, stopped) = stops.append(decoder.flush())
            if stopped { finish = .stop }
            if !ready.isEmpty { onText(ready) }
            let rest = stops.flush()
            if !rest.isEmpty { onText(rest) }
        }
        return Generation(text: stops.text, tokenCount: generated, finishReason: finish)
    }
}

extension InferenceSession {
    /// The token mask for a generation's constraint; nil for free text.
    func grammarMask(for constraint: OutputConstraint?) throws(LanguageModelError) -> GrammarMask? {
        guard case .json(let schema) = constraint else { return nil }
        let grammar: JSONGrammar
        do { grammar = try JSONGrammar(schema: schema) } catch { throw .unsupported(error.description) }
        if tokenPieces == nil {
            tokenPieces = TokenPieces(tokenizer: model.tokenizer, vocabularySize: model.config.vocabularySize)
        }
        return GrammarMask(matcher: JSONGrammarMatcher(grammar: grammar, mode: .generation), pieces: tokenPieces!)
    }
}
