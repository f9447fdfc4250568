import Support

/// Runs the timing- and memory-sensitive tests (fuzz, soak, responsiveness, the daemon binary) one
/// at a time, so that a parallel fuzz run neither inflates the soak's resident memory nor delays
/// the responsiveness test's answers.
enum Exclusive {
    private static let turn = AsyncSemaphore(limit: 1)

    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await turn.withPermit(body)
    }
}
