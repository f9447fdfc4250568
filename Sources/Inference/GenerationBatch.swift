import LanguageModel

/// Continuous batching of the generations of one engine (EmbeddedLanguageModel), run on its worker
/// thread between the other jobs (EngineWorker):
///
///     each round:  admit waiting requests while fewer than maxBatch run: fork the cached sequence
///                  sharing the longest prefix of the prompt, evaluate the rest of the prompt as that
///                  sequence alone would, take its first token
///                  one decode step: every running sequence's next token in one forward pass
///                  (InferenceSession.decode), then each chooses and takes its next token; finished
///                  ones leave, their sequence kept for prefix reuse
///
/// Each request keeps its own GenerationState (sampler, grammar, stop strings, decoder), and a decode
/// step computes every row with the arithmetic of a one-token batch, so a generation's text is the
/// same alone as beside others. Scoring and other jobs run exclusively between rounds. A cancelled
/// request leaves at the next round, alone. `maxBatch` 1 runs one generation at a time.
final class GenerationBatch {
    /// One `generate` call: its prompt, options and text callback, its cancellation flag, and the
    /// continuation that receives its result.
    final class Request {
        let prompt: [Int32]
        let options: GenerationOptions
        let onText: @Sendable (String) -> Void
        let flag: CancellationFlag
        let continuation: CheckedContinuation<Generation, any Error>
        var state: GenerationState?
        var sequence: InferenceSequence?

        init(prompt: [Int32], options: GenerationOptions, onText: @escaping @Sendable (String) -> Void,
             flag: CancellationFlag, continuation: CheckedContinuation<Generation, any Error>) {
            self.prompt = prompt
            self.options = options
            self.onText = onText
            self.flag = flag
            self.continuation = continuation
        }
    }

    let session: InferenceSession
    /// Most generations decoded together.
    let maxBatch: Int
    /// Finished sequences kept for prefix reuse (least recently used first), at most `maxBatch`.
    private(set) var retained: [InferenceSequence] = []
    private var waiting: [Request] = []
    private var running: [Request] = []
    /// What the batch has done since the engine started.
    private(set) var statistics = BatchStatistics()

    init(session: InferenceSession, maxBatch: Int) {
        self.session = session
        self.maxBatch = max(1, min(maxBatch, session.buffers.batchCapacity))
    }

    /// Whether a round has anything to do.
    var hasWork: Bool { !waiting.isEmpty || !running.isEmpty }

    /// Queues a request; it joins at the next round with room.
    func add(_ request: Request) { waiting.append(request) }

    /// One round: admissions, then one decode step of the running generations.
    func round() {
        admit()
        running.removeAll { request in
            guard request.flag.isCancelled else { return false }
            request.continuation.resume(throwing: LanguageModelError.cancelled)
            return true
        }
        guard !running.isEmpty else { return }
        let vocab = session.model.config.vocabularySize
        statistics.decodeSteps += 1
        statistics.decodedRows += running.count
        statistics.largestStep = max(statistics.largestStep, running.count)
        do {
            try session.decode(running.map { $0.state!.next }, into: running.map { $0.sequence! }) { row, logits in
                running[row].state!.choose(logits, vocabularySize: vocab)
            }
        } catch {
            for request in running { request.continuation.resume(throwing: error) }
            running.removeAll()
            return
        }
        running.removeAll { !proceed($0) }
    }

    /// Starts waiting requests while there is room, each with its prompt evaluated.
    private func admit() {
        while running.count < maxBatch, !waiting.isEmpty {
            let request = waiting.removeFirst()
            if request.flag.isCancelled {
                request.continuation.resume(throwing: LanguageModelError.cancelled)
                continue
            }
            do {
                try start(request)
            } catch {
                request.continuation.resume(throwing: error)
                continue
            }
            if proceed(request) { running.append(request) }
        }
    }

    /// Forks the cached sequence sharing the longest prefix with the prompt (a retained one is taken
    /// over, a running one copied) and evaluates the rest of the prompt as that sequence alone would.
    private func start(_ request: Request) throws(LanguageModelError) {
        let prompt = request.prompt
        guard !prompt.isEmpty else { throw .failed("generation needs a non-empty prompt") }
        guard prompt.count <= session.contextLength else {
            throw .contextOverflow(needed: prompt.count, limit: session.contextLength)
        }
        var state = GenerationState(options: request.options, tokenizer: session.model.tokenizer,
                                    mask: try session.tokenMask(for: request.options))
        // The prompt's numbers must not depend on which sequence was forked, nor on whether one was.
        // Where a row's numbers depend only on not being alone in its batch (BatchInvarianceTests),
        // the longest reusable prefix is forked and the rest evaluated in batches of two or more
        // (`restartPoint`, `append`). On K-quant files (`numbersDependOnBatching`), only whole
        // reusable blocks are forked, and the rest is evaluated in chunks that break at the prompt's
        // tail (InferenceSequence.reuseBlock).
        let blocks = session.numbersDependOnBatching
        let tail = blocks ? InferenceSequence.tailStart(ofPrompt: prompt.count) : 0
        let block = InferenceSequence.reuseBlock
        let sources = retained + running.map { $0.sequence! }
        let commons = sources.map { source in
            let common = min(source.commonPrefix(with: prompt), source.reusable)
            return blocks ? min(common, tail) / block * block
                          : InferenceSession.restartPoint(common: common, count: prompt.count)
        }
        let best = commons.indices.max { commons[$0] < commons[$1] }
        let sequence: InferenceSequence
        var restart = 0
        if let best, commons[best] > 0 {
            restart = commons[best]
            if best < retained.count {
                sequence = retained.remove(at: best)
                sequence.truncate(to: restart)
            } else {
                sequence = spareSequence()
                sequence.fork(restart, of: sources[best])
            }
            statistics.reusedPromptTokens += restart
        } else {
            sequence = spareSequence()
            sequence.truncate(to: 0)
        }
        session.cancellation = request.flag
        defer { session.cancellation = nil }
        let vocab = session.model.config.vocabularySize
        let rest = blocks ? tail : restart
        if blocks {
            try session.append(prompt[restart..<tail], to: sequence, logitsFrom: tail - restart) { _, _ in }
            sequence.reusable = tail
        }
        try session.append(prompt[rest...], to: sequence, logitsFrom: prompt.count - 1 - rest) { _, logits in
            state.choose(logits, vocabularySize: vocab)
        }
        // A row evaluated alone (a prompt of one token) has one-token arithmetic: never forked.
        if !blocks { sequence.reusable = prompt.count - restart >= 2 ? prompt.count : restart }
        statistics.evaluatedPromptTokens += prompt.count - restart
        request.state = state
        request.sequence = sequence
    }

    /// Takes the request's chosen token; a finished (or failed) request is answered and its sequence
    /// retained. Returns whether it goes on.
    private func proceed(_ request: Request) -> Bool {
        let sequence = request.sequence!
        do {
            let full = sequence.tokens.count >= sequence.capacity
            if try request.state!.accept(contextFull: full, onText: request.onText) { return true }
            request.continuation.resume(returning: request.state!.result(onText: request.onText))
        } catch {
            request.continuation.resume(throwing: error)
        }
        retain(sequence)
        return false
    }

    /// A sequence for a new generation: the least recently retained one once the batch holds
    /// `maxBatch` sequences (running and retained), so that their memory is reused rather than a
    /// new cache touched for every fork; else a new one.
    private func spareSequence() -> InferenceSequence {
        retained.count + running.count >= maxBatch && !retained.isEmpty ? retained.removeFirst() : session.makeSequence()
    }

    private func retain(_ sequence: InferenceSequence) {
        retained.append(sequence)
        if retained.count > maxBatch { retained.removeFirst() }
    }
}

/// Counts of a generation batch's work since its engine started (tests, benchmarks).
public struct BatchStatistics: Sendable, Equatable {
    /// Decode steps, each one forward pass of every running generation.
    public var decodeSteps = 0
    /// Rows of those steps: tokens decoded.
    public var decodedRows = 0
    /// The most generations in one step.
    public var largestStep = 0
    /// Prompt tokens evaluated, and those taken from a cached sequence instead (prefix reuse).
    public var evaluatedPromptTokens = 0
    public var reusedPromptTokens = 0
}
