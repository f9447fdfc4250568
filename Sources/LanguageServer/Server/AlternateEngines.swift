/// The engines of backends and models that prompt files chose by name (beside the user's own),
/// most recently used last. Bounded: each may hold a model in memory, and a workspace of files
/// naming many backends must not load them all at once.
struct AlternateEngines {
    /// The most alternate engines kept; the least recently used is dropped first.
    static let limit = 2

    private var tasks: [String: Task<LanguageServer.Engine, any Error>] = [:]
    private var order: [String] = []
    /// The loaded ones, by configuration key.
    var ready: [String: LanguageServer.Engine] = [:]

    /// The loading (or loaded) engine for `key`, started with `start` if there is none.
    mutating func task(for key: String, start: () -> Task<LanguageServer.Engine, any Error>) -> Task<LanguageServer.Engine, any Error> {
        order.removeAll { $0 == key }
        order.append(key)
        if let task = tasks[key] { return task }
        let task = start()
        tasks[key] = task
        while order.count > Self.limit { forget(order[0]) }
        return task
    }

    mutating func forget(_ key: String) {
        tasks[key]?.cancel()
        tasks[key] = nil
        ready[key] = nil
        order.removeAll { $0 == key }
    }

    mutating func removeAll() {
        for key in order { forget(key) }
    }
}
