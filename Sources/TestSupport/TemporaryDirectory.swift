import Foundation

/// A fresh directory under the system temporary directory; call `remove()` (in a `defer`) when done.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// `vsynth-PURPOSE-UUID`, so that a directory left behind by a crashed run says which test made it.
    public init(_ purpose: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vsynth-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` as UTF-8 to the file `name` inside (a relative path whose folders exist) and
    /// returns the file's path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
