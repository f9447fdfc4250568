extension InferenceSession {
    /// Evaluates one batch (at most `batchCapacity` tokens): token row t extends the sequence `rows`
    /// names for it, whose cache receives its keys and values, and `body(row, logits)` is called for rows
    /// `logitsFrom..<n` in order. The caller appends the tokens to the sequences afterwards. Each
    /// architecture's pass is in its own file, built from the blocks of InferenceSession+ForwardSteps.
    func forward(_ batch: UnsafeBufferPointer<Int32>, rows: ForwardRows, logitsFrom: Int,
                 _ body: (Int, UnsafePointer<Float>) -> Void) {
        evaluatedTokenCount += batch.count
        switch model.config.architecture {
        case .llama, .qwen2, .qwen3: forwardLlama(batch, rows: rows, logitsFrom: logitsFrom, body)
        case .gemma3: forwardGemma3(batch, rows: rows, logitsFrom: logitsFrom, body)
        }
    }
}
