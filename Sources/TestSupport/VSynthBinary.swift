import Foundation
import Testing

/// Runs the built `vsynth` executable as a user would, for black-box tests.
///
/// Found, in order: `$VSYNTH_BIN`; beside the test bundle or (SwiftPM puts products and the test
/// bundle in one directory: `.build/<triple>/debug/`; on macOS the bundle's executable sits three
/// levels deeper); the package's `.build/debug` and `.build/release` (`TestFiles.repositoryRoot`).
public enum VSynthBinary {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static let path: String? = {
        let fileManager = FileManager.default
        var candidates: [String] = []
        if let custom = ProcessInfo.processInfo.environment["VSYNTH_BIN"], !custom.isEmpty { candidates.append(custom) }
        // macOS runs test bundles inside Xcode's `xctest` tool: the bundle itself sits in the products directory.
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("vsynth").path)
        }
        var directory = Bundle.main.executableURL?.deletingLastPathComponent()
        for _ in 0..<4 {
            guard let current = directory else { break }
            candidates.append(current.appendingPathComponent("vsynth").path)
            directory = current.deletingLastPathComponent()
        }
        let root = TestFiles.repositoryRoot
        candidates += ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/vsynth").path }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: path)
        }
    }()

    /// Runs `vsynth arguments…` with the test process's environment changed by `environment`
    /// (a nil value removes a variable) and returns its exit status and output.
    public static func run(_ arguments: [String], environment changes: [String: String?] = [:],
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        guard let path else {
            Issue.record("no vsynth executable found beside the test bundle or in .build; run 'swift build' (or set VSYNTH_BIN)",
                         sourceLocation: sourceLocation)
            throw CocoaError(.fileNoSuchFile)
        }
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        return try await blocking { [environment] in try run(path, arguments, environment) }
    }

    /// Starts the program and waits for it (blocking the calling thread).
    private static func run(_ path: String, _ arguments: [String], _ environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("vsynth-out-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("vsynth-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        // Files rather than pipes: no deadlock however much either stream holds.
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
