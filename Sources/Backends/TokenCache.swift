import Foundation

/// Remembers the server's tokenization of recent texts (contexts repeat across every continuation
/// of a task), bounded so a long-running daemon does not grow without limit.
final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [Int32]] = [:]
    private let limit: Int

    init(limit: Int = 256) { self.limit = limit }

    func get(_ text: String) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[text]
    }

    func put(_ text: String, _ tokens: [Int32]) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[text] = tokens
    }
}
