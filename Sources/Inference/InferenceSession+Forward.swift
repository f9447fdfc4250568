extension InferenceSession {
    /// Evaluates one batch (at most `batchCapacity` tokens) after the cached positions, writing its keys
    /// and values into the cache, and calls `body(row, logits)` for rows `logitsFrom..<n` in order.
    /// `p0` is the position of the batch's first token; the caller keeps `tokens` in step. Each
    /// architecture's pass is in its own file, built from the blocks of InferenceSession+ForwardSteps.
    func forward(_ batch: UnsafeBufferPointer<Int32>, start p0: Int, logitsFrom: Int,
                 _ body: (Int, UnsafePointer<Float>) -> Void) {
        switch model.config.architecture {
        case .llama, .qwen2, .qwen3: forwardLlama(batch, start: p0, logitsFrom: logitsFrom, body)
        case .gemma3: forwardGemma3(batch, start: p0, logitsFrom: logitsFrom, body)
        }
    }
}
