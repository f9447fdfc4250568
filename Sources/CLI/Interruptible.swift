import Dispatch
import Foundation

/// Runs a command's long work so that Ctrl-C cancels it instead of killing the process: the
/// command then says what was (not) changed and exits 130, and no file is left half-written.
/// SIGINT is ignored while `operation` runs (its cancellation handler does the work) and gets its
/// default action back after. `interrupted` is whether Ctrl-C came; the result is whatever the
/// cancelled work returned or threw.
func interruptible<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async
    -> (result: Result<T, any Error>, interrupted: Bool) {
    let work = Task<T, any Error> { try await operation() }
    signal(SIGINT, SIG_IGN)
    let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    interrupt.setEventHandler { work.cancel() }
    interrupt.resume()
    let result = await work.result
    interrupt.cancel()
    signal(SIGINT, SIG_DFL)
    return (result, work.isCancelled)
}
