import Foundation
import Testing
@testable import Support

@Suite struct AsyncSemaphoreTests {
    /// Never more than `limit` holders at once, and every waiter gets its turn.
    @Test func boundsConcurrency() async throws {
        let semaphore = AsyncSemaphore(limit: 2)
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await semaphore.withPermit {
                        counter.enter()
                        try await Task.sleep(nanoseconds: 20_000_000)
                        counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counter.peak == 2)
        #expect(counter.finished == 8)
    }

    /// A waiter cancelled while queued leaves the queue with CancellationError; permits are not lost.
    @Test func cancelledWaiterLeavesTheQueue() async throws {
        let semaphore = AsyncSemaphore(limit: 1)
        try await semaphore.wait()
        let waiter = Task { try await semaphore.wait() }
        try await Task.sleep(nanoseconds: 20_000_000)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        semaphore.signal()
        try await semaphore.wait()   // the permit is back
        semaphore.signal()
    }

    /// With `limit: 1` it is a first-in first-out mutex: a task
    /// cancelled by the time it holds the permit leaves without running its body, and the permit
    /// comes back.
    @Test func cancelledTaskDoesNotRunItsBody() async throws {
        let semaphore = AsyncSemaphore(limit: 1)
        let ran = Locked(false)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await semaphore.withPermit { ran.withLock { $0 = true } }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!ran.withLock { $0 })
        try await semaphore.wait()   // the permit is back
        semaphore.signal()
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    private(set) var finished = 0

    func enter() { lock.withLock { current += 1; peak = max(peak, current) } }
    func leave() { lock.withLock { current -= 1; finished += 1 } }
}
