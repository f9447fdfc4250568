import Foundation

/// One dedicated OS thread that runs the engine's jobs in order, so model work never occupies a
/// thread of the Swift concurrency pool (which serves the daemon's I/O). Async callers hand a job
/// over and resume through a continuation when it finishes.
final class EngineWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?

    init(name: String) {
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
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                if Task.isCancelled { flag.cancel() }
                submit {
                    do { continuation.resume(returning: try body(flag)) } catch { continuation.resume(throwing: error) }
                }
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
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
