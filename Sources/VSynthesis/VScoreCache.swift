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
    private var order: [Key] = []
    /// The most entries kept; the oldest are forgotten first.
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    public subscript(key: Key) -> VScore? {
        lock.withLock { entries[key] }
    }

    public func insert(_ score: VScore, for key: Key) {
        lock.withLock {
            if entries.updateValue(score, forKey: key) == nil { order.append(key) }
            if order.count > capacity {
                let excess = order.count - capacity
                for old in order.prefix(excess) { entries[old] = nil }
                order.removeFirst(excess)
            }
        }
    }

    public var count: Int { lock.withLock { entries.count } }

    public func removeAll() {
        lock.withLock {
            entries.removeAll()
            order.removeAll()
        }
    }
}
