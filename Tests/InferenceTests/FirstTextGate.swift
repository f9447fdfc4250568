import Dispatch
import Support
import TestSupport

/// Holds a generation at its first piece of text until the test has acted on it (cancelled it, say):
/// the text callback runs on the engine's thread, so the generation cannot finish meanwhile however
/// slow the machine. (Polling for the text from a task could wake only after a short generation
/// had ended: the cooperative pool is two threads here, which parallel suites can hold for seconds.)
final class FirstTextGate: Sendable {
    private let reached = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
    private let passed = Locked(false)

    /// The generation's text callback: the first call waits for `release()` (at most two minutes,
    /// so a test that fails before releasing cannot hang the engine for good).
    func onText(_ text: String) {
        guard !passed.withLock({ was in defer { was = true }; return was }) else { return }
        reached.signal()
        _ = released.wait(timeout: .now() + 120)
    }

    /// Returns once the generation is held at its first text.
    func waitForFirstText() async throws {
        try await blocking { [reached] in reached.wait() }
    }

    /// Lets the generation go on.
    func release() { released.signal() }
}
