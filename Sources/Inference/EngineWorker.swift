import Foundation

/// One dedicated OS thread that runs the engine's jobs in order, so model work never occupies a
/// thread of the Swift concurrency pool (which serves the daemon's I/O). Async callers hand a job
/// over and resume through a continuation when it finishes. While no job waits, the thread runs the
/// rounds of the generation batch; a job that arrives runs before the next round.
final class EngineWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?
    /// Touched only on the worker thread (its state is changed only by jobs and rounds).
    private let batch: GenerationBatch?

    init(name: String, batch: GenerationBatch? = nil) {
        self.batch = batch
        // The thread holds the worker until `stop()` lets it return.
        let thread = Thread { self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues `job` to run on the worker thread after the jobs before it.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on the worker thread and returns its result. Cancelling the calling task sets the
    /// flag passed to `body`, which the engine checks between batches and tokens.
    func run<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        try await start { flag, continuation in
            do { continuation.resume(returning: try body(flag)) } catch { continuation.resume(throwing: error) }
        }
    }

    /// Runs `body` on the worker thread, which takes charge of resuming the continuation (now, or later
    /// from a round of the batch). Cancelling the calling task sets the flag passed to `body`.
    func start<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag, CheckedContinuation<T, Error>) -> Void) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                if Task.isCancelled { flag.cancel() }
                submit { body(flag, continuation) }
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Lets the thread finish the queued jobs and exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping && batch?.hasWork != true { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                guard let batch, batch.hasWork else { return }   // stopping, nothing left
                batch.round()
                continue
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
