import Foundation

/// Files of the repository that tests read, found from source paths (no SwiftPM resources).
public enum TestFiles {
    /// The repository's root (this file is Sources/TestSupport/TestFiles.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's `examples/` folder.
    public static let examples = repositoryRoot.appendingPathComponent("examples")

    /// The `Fixtures` folder of the test target whose file calls this.
    public static func fixtures(_ filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }
}
