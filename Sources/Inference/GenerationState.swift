import LanguageModel
import Tokenizer

/// One generation between forward passes: its sampler, grammar, stop strings and text decoder, the
/// token chosen for the next step and the tokens taken so far. The one-at-a-time loop
/// (`InferenceSession.generate`) and the batch scheduler (`GenerationBatch`) drive the same state the
/// same way (choose from the logits, then accept), so a sequence's output does not depend on the
/// sequences beside it. The two differ in prefix reuse, on purpose: the loop reuses the primary
/// sequence's whole common prefix and evaluates the rest in one batch, as llama.cpp does (the greedy
/// golden tests compare it), while the batch forks only prompt rows, and on K-quant files only whole
/// prompt blocks with the tail split off (`InferenceSequence.reuseBlock`), so that its numbers do not
/// depend on what ran before; on K-quant files the two can differ in low bits.
struct GenerationState {
    let options: GenerationOptions
    private let tokenizer: Tokenizer
    private var sampler: Sampler
    private var mask: TokenMask?
    private var decoder: StreamingDecoder
    private var stops: StopMatcher
    /// The token chosen from the last logits: the one to evaluate next when `accept` says to go on.
    private(set) var next: Int32 = 0
    /// The grammar allowed no token at the last logits.
    private var allowedNone = false
    private var generated = 0
    private var finish = Generation.FinishReason.length

    init(options: GenerationOptions, tokenizer: Tokenizer, mask: TokenMask?) {
        self.options = options
        self.tokenizer = tokenizer
        self.mask = mask
        sampler = Sampler(options: options)
        decoder = StreamingDecoder(tokenizer: tokenizer)
        stops = StopMatcher(stops: options.stop)
    }

    /// Chooses the next token from (vocab) logits, under the grammar when there is one.
    mutating func choose(_ logits: UnsafePointer<Float>, vocabularySize: Int) {
        guard mask != nil else { next = sampler.sample(logits, vocabularySize: vocabularySize); return }
        if let token = sampler.sample(logits, vocabularySize: vocabularySize, mask: &mask!) { next = token } else { allowedNone = true }
    }

    /// Takes the chosen token into the output, handing `onText` the text that became final. Returns
    /// whether the generation goes on, with `next` to be evaluated; false when an end-of-generation token,
    /// a stop string, the closed grammar, `maxTokens` or a full context (`contextFull`) ended it.
    mutating func accept(contextFull: Bool, onText: (String) -> Void) throws(LanguageModelError) -> Bool {
        guard generated < options.maxTokens else { return false }
        if allowedNone { throw .failed("no token continues the output grammar") }
        if tokenizer.isEndOfGeneration(next) { finish = .endOfText; return false }
        generated += 1
        mask?.accept(next)
        let (ready, stopped) = stops.append(decoder.append(next))
        if !ready.isEmpty { onText(ready) }
        if stopped { finish = .stop; return false }
        // The grammar's document is finished: nothing may follow it.
        if mask?.isClosed == true { finish = .stop; return false }
        return generated < options.maxTokens && !contextFull
    }

    /// The finished generation, after handing `onText` the text held back until now.
    mutating func result(onText: (String) -> Void) -> Generation {
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
