import Support

/// Items appended from any thread or task (progress reports, failure messages), read back by the
/// test when the work is done.
public final class Recorded<Item: Sendable>: Sendable {
    private let list = Locked<[Item]>([])

    public init() {}

    public func append(_ item: Item) { list.withLock { $0.append(item) } }

    public var items: [Item] { list.withLock { $0 } }
}
