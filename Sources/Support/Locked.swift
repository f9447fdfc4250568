import Foundation

/// A value guarded by a lock, shareable across threads: the one lock box of the package, for state
/// that threads outside an actor touch (watchers, connections, progress, test recorders).
///
/// `Synchronization.Mutex` needs macOS 15; this keeps the package building on macOS 14.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    @discardableResult
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
