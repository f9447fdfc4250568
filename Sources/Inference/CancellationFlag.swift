import Foundation

/// A flag that a Swift task's cancellation handler sets and the engine thread polls between
/// batches and tokens. Lock-based so it needs nothing newer than the package's platforms.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }
}
