import Foundation

/// Bounds how many tasks run a section at once, without blocking threads: waiters suspend and are
/// resumed in arrival order. Cancellation of a waiter removes it from the queue. A backend bounds its
/// requests in flight per server with it, and the daemon its model calls (`BoundedModel`); with
/// `limit: 1` it is a first-in first-out async mutex.
public final class AsyncSemaphore: @unchecked Sendable {
    private let lock = NSLock()
    private var available: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    /// `limit` permits (at least 1).
    public init(limit: Int) {
        available = max(1, limit)
    }

    /// Takes a permit, suspending until one is free. Throws `CancellationError` if cancelled while waiting.
    public func wait() async throws {
        guard let id = takeOrQueueNumber() else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                if available > 0 {   // a permit came free between the check and here
                    available -= 1
                    lock.unlock()
                    continuation.resume()
                    return
                }
                waiters.append((id, continuation))
                lock.unlock()
            }
        } onCancel: {
            lock.lock()
            let index = waiters.firstIndex { $0.id == id }
            let waiter = index.map { waiters.remove(at: $0) }
            lock.unlock()
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Takes a free permit (nil), or hands out a waiter number.
    private func takeOrQueueNumber() -> UInt64? {
        lock.withLock {
            if available > 0 {
                available -= 1
                return nil
            }
            nextID += 1
            return nextID
        }
    }

    /// Returns a permit, handing it straight to the oldest waiter if there is one.
    public func signal() {
        lock.lock()
        if waiters.isEmpty {
            available += 1
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume()
        }
    }

    /// Runs `body` holding a permit; a task cancelled by the time its turn comes leaves with
    /// `CancellationError` without running it.
    public func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await wait()
        defer { signal() }
        try Task.checkCancellation()
        return try await body()
    }
}
