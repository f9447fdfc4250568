import Foundation
import GGUF
import LanguageModel
import Tokenizer

/// The embedded engine behind the `LanguageModel` protocol: a GGUF Llama model evaluated in Swift on
/// the engine's own threads (one worker thread that owns the session, plus the matmul thread pool).
/// Concurrent generations are decoded together, one pass over the weights per step for up to
/// `maxBatch` of them (continuous batching, GenerationBatch), each with the numbers it would have
/// alone; other requests (scoring, `withSession`) run one at a time in arrival order between steps.
/// Consecutive scoring requests reuse the KV cache of their common prefix (the V-Score contexts and
/// the turn markers of demonstrations).
public final class EmbeddedLanguageModel: LanguageModel, @unchecked Sendable {
    public let identity: ModelIdentity
    public let template: ChatTemplate
    public let model: TransformerModel
    /// Seconds from `init` start until the engine was ready for a first token.
    public let loadSeconds: Double
    private let worker: EngineWorker
    /// Touched only on `worker`'s thread.
    private let session: InferenceSession
    /// Touched only on `worker`'s thread.
    private let batch: GenerationBatch

    public var tokenizer: Tokenizer { model.tokenizer }
    public var config: TransformerConfig { model.config }
    public var contextLength: Int { session.contextLength }
    public var threadCount: Int { session.pool.threadCount }
    /// Most generations decoded together.
    public var maxBatch: Int { batch.maxBatch }

    /// KV cache positions when the caller names none (the CLI, the daemon, the benchmarks).
    public static let defaultContextLength = 2048
    /// Generations decoded together when the caller names no limit.
    public static let defaultMaxBatch = 8

    /// Opens the model at `path`.
    /// - Parameters:
    ///   - threads: compute threads (0 = all cores).
    ///   - contextLength: KV cache positions of each sequence.
    ///   - requiresTokenizer: false to open a model whose tokenizer is not supported, for token-id
    ///     APIs only (`withSession`); text APIs then stop with a fatal error.
    ///   - maxBatch: most generations decoded together; 1 generates one at a time.
    public init(path: String, threads: Int = 0, contextLength: Int = defaultContextLength, requiresTokenizer: Bool = true,
                maxBatch: Int = defaultMaxBatch) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            model = try TransformerModel(path: path, requiresTokenizer: requiresTokenizer)
        } catch {
            // The reader's and loader's errors name a tensor or an offset, not the file.
            throw InferenceError.unusableModelFile(path: path, reason: "\(error)")
        }
        session = InferenceSession(model: model, pool: ThreadPool(threads: threads), contextLength: contextLength)
        batch = GenerationBatch(session: session, maxBatch: maxBatch)
        worker = EngineWorker(name: "vsynth.engine", batch: batch)
        identity = ModelIdentity(backend: "embedded", model: model.fileName,
                                 revision: Self.revision(of: model.file))
        template = Self.detectTemplate(model)
        loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    deinit { worker.stop() }

    public func tokenize(_ text: String) async throws -> [Int32] {
        model.tokenizer.encode(text, parseSpecial: true, addBOS: false)
    }

    /// The context starts with BOS when the model adds one (`tokenizer.ggml.add_bos_token`), as the
    /// V-Score frame asks; the continuations never do.
    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await score(context: context, continuations: continuations, reusingPrefixes: false)
    }

    /// Prefix reuse even on K-quant files (`InferenceSession.scoresWholeSequences`): the order of a
    /// labelled task's demonstrations is chosen from such scores, 24 orders of short calls that share
    /// their context, which evaluated whole took Gemma 3 270M 32 s longer per synthesis.
    public func rankingScore(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        try await score(context: context, continuations: continuations, reusingPrefixes: true)
    }

    private func score(context: String, continuations: [String], reusingPrefixes: Bool) async throws -> [ContinuationScore] {
        let tokenizer: Tokenizer = model.tokenizer
        let contextTokens = tokenizer.encode(context, parseSpecial: true, addBOS: nil)
        let continuationTokens = continuations.map { tokenizer.encode($0, parseSpecial: true, addBOS: false) }
        let scores = try await withSession { session in
            try session.score(context: contextTokens, continuations: continuationTokens,
                              wholeSequences: reusingPrefixes ? false : nil)
        }
        return zip(scores, continuationTokens).map { scores, tokens in
            let texts = tokens.suffix(scores.count).map { String(decoding: tokenizer.piece($0), as: UTF8.self) }
            return ContinuationScore(tokenLogprobs: scores.map(\.logprob), tokenTexts: texts)
        }
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await generate(prompt: prompt, options: options, onText: { _ in })
    }

    /// Generates after `prompt`, handing text to `onText` (on the engine thread) as it becomes final.
    /// Joins the generations already running at their next step.
    public func generate(prompt: String, options: GenerationOptions,
                         onText: @escaping @Sendable (String) -> Void) async throws -> Generation {
        try await generate(tokens: model.tokenizer.encode(prompt, parseSpecial: true, addBOS: nil), options: options, onText: onText)
    }

    /// `generate` after a prompt of token ids.
    public func generate(tokens: [Int32], options: GenerationOptions,
                         onText: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Generation {
        nonisolated(unsafe) let batch = self.batch
        return try await worker.start { flag, continuation in
            batch.add(GenerationBatch.Request(prompt: tokens, options: options, onText: onText,
                                              flag: flag, continuation: continuation))
        }
    }

    /// What the generation batch has done since the engine started (decode steps and their rows,
    /// prompt tokens evaluated and reused).
    public func batchStatistics() async throws -> BatchStatistics {
        nonisolated(unsafe) let batch = self.batch
        return try await worker.run { _ in batch.statistics }
    }

    /// Token-level detail of one continuation after a context: ids, ln p, and the model's top choice
    /// at every position (what `vsynth logprobs` prints).
    public func logprobs(context: String, continuation: String) async throws -> [TokenScore] {
        try await logprobs(context: model.tokenizer.encode(context, parseSpecial: true, addBOS: nil),
                           continuation: model.tokenizer.encode(continuation, parseSpecial: true, addBOS: false))
    }

    /// `logprobs` of token ids. The sequence is evaluated whole, every row from position 0 (the last
    /// token's too, whose logits score nothing), as llama.cpp evaluates it, so that the tensors a
    /// VSYNTH_DUMP_TENSORS run writes are llama.cpp's row for row (scripts/compare-with-llamacpp.py).
    public func logprobs(context: [Int32], continuation: [Int32]) async throws -> [TokenScore] {
        try await withSession { session in
            try session.score(context: context, continuations: [continuation], wholeSequences: true)[0]
        }
    }

    /// Runs `body` with the engine's session on the engine thread (benchmarks, tests, token-level
    /// APIs). Task cancellation is forwarded to `session.cancellation`.
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (InferenceSession) throws -> T) async throws -> T {
        let session = self.session
        nonisolated(unsafe) let unsafeSession = session
        return try await worker.run { flag in
            unsafeSession.cancellation = flag
            defer { unsafeSession.cancellation = nil }
            return try body(unsafeSession)
        }
    }

    /// File size and an FNV-1a hash of the first 256 KiB (the header, metadata and vocabulary), so the
    /// identity changes when the file does without reading 100 MB.
    static func revision(of file: GGUFFile) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let bytes = file.fileBytes
        for byte in bytes.prefix(256 << 10) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "\(file.fileSize)-" + String(hash, radix: 16)
    }

    /// The template whose turn markers the file's `tokenizer.chat_template` uses (plain without one).
    static func detectTemplate(_ model: TransformerModel) -> ChatTemplate {
        ChatTemplate(ChatTemplate.Kind(chatTemplate: model.file.metadata.string("tokenizer.chat_template")))
    }
}
