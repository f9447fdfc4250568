import Support

/// What a `LocalClient` received from the server, kept until a test takes it.
///
/// A test takes items selectively (`next` with a filter): an item that does not match stays in
/// the inbox for a later call, so a test can wait for a diagnostics notification without losing
/// the progress notifications before it.
final class Inbox: Sendable {
    enum Item: Sendable {
        case notification(NotificationMessage)
        case request(RequestMessage)
        case unattributedError(ResponseError)
    }

    private struct State {
        var items: [Item] = []
        var closed = false
        /// Waiters, woken on every new item (and on close) to look again.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// Bumped on every change, so that a waiter registering late notices what it missed.
        var version = 0
    }

    private let state = Locked(State())

    func put(_ item: Item) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.items.append(item)
            state.version += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func closeInbox() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            state.version += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Removes and returns the first item that `match` accepts, waiting up to `timeout` for one;
    /// `what` names it in the timeout error.
    func next<T>(_ what: String, timeout: Duration, _ match: (Item) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (found, closed, version) = state.withLock { state -> (T?, Bool, Int) in
                for (index, item) in state.items.enumerated() {
                    if let value = match(item) {
                        state.items.remove(at: index)
                        return (value, false, state.version)
                    }
                }
                return (nil, state.closed, state.version)
            }
            if let found { return found }
            if closed { throw JSONRPCError.connectionClosed }
            if ContinuousClock.now >= deadline {
                throw JSONRPCError.timedOut(waitingFor: what, after: timeout)
            }
            await waitForChange(after: version, until: deadline)
        }
    }

    /// Suspends until the inbox changes after `version` or `deadline` passes.
    private func waitForChange(after version: Int, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            self.wake(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let changed = state.withLock { state -> Bool in
                if state.version != version || ContinuousClock.now >= deadline { return true }
                state.waiters[id] = continuation
                return false
            }
            if changed { continuation.resume() }
        }
        timer.cancel()
    }

    private func wake(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume()
    }
}
