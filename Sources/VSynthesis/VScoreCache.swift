import Foundation
import LanguageModel
import PromptFile

/// Remembers V-Scores by (model identity, frame, T, D), so rescoring a file after an edit costs only
/// the changed demonstrations, and scores of different models or frames are never mixed.
/// Lock-protected so callers on any thread or task may share one cache.
public final class VScoreCache: @unchecked Sendable {
    /// What makes two V-Scores the same number.
    public struct Key: Hashable, Sendable {
        public var model: ModelIdentity
        public var frame: String
        public var task: String
        public var demonstration: Demonstration

        public init(model: ModelIdentity, frame: String, task: String, demonstration: Demonstration) {
            self.model = model
            self.frame = frame
            self.task = task
            self.demonstration = demonstration
        }
    }

    private let lock = NSLock()
    private var entries: [Key: VScore] = [:]
    /// Keys in insertion order from `head` on (the oldest first); compacted as it drains.
    private var order: [Key] = []
    private var head = 0
    private var bytes = 0
    /// The most entries kept; the oldest are forgotten first.
    public let capacity: Int
    /// The most bytes of text (task and demonstration, plus a fixed overhead per entry) kept: a
    /// daemon that sees long tasks must not keep growing up to `capacity` entries of them.
    public let byteLimit: Int

    /// Per-entry overhead beside the text (the key's strings, the score, the dictionary slot).
    static let entryOverhead = 160

    public init(capacity: Int = 100_000, byteLimit: Int = .max) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(1, byteLimit)
    }

    public subscript(key: Key) -> VScore? {
        lock.withLock { entries[key] }
    }

    static func cost(_ key: Key) -> Int {
        key.task.utf8.count + key.demonstration.input.utf8.count + key.demonstration.output.utf8.count
            + key.frame.utf8.count + entryOverhead
    }

    public func insert(_ score: VScore, for key: Key) {
        lock.withLock {
            guard entries.updateValue(score, forKey: key) == nil else { return }
            order.append(key)
            bytes += Self.cost(key)
            while entries.count > 1, entries.count > capacity || bytes > byteLimit, head < order.count {
                let old = order[head]
                head += 1
                if entries.removeValue(forKey: old) != nil { bytes -= Self.cost(old) }
            }
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    /// The bytes the entries account for (see `byteLimit`).
    public var byteCount: Int { lock.withLock { bytes } }

    public var count: Int { lock.withLock { entries.count } }

    public func removeAll() {
        lock.withLock {
            entries.removeAll()
            order.removeAll()
            head = 0
            bytes = 0
        }
    }
}
