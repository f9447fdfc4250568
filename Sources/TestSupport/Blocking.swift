import Dispatch

/// Runs blocking work (a child process, a download, a long synchronous computation) on a Dispatch
/// thread and awaits it, so that waiting does not hold one of the few threads of Swift's cooperative
/// pool (two on a two-core machine), which the async tests of other suites running in parallel need.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
