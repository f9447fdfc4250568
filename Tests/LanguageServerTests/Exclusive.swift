/// Runs the timing- and memory-sensitive tests (fuzz, soak, responsiveness, the daemon binary) one
/// at a time, so that a parallel fuzz run neither inflates the soak's resident memory nor delays
/// the responsiveness test's answers.
actor Exclusive {
    static let shared = Exclusive()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let result = try await body()
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}
