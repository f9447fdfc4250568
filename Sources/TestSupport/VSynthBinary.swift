import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
        /// The child's peak resident memory (`wait4`'s `ru_maxrss`), in bytes: what this one process
        /// reached, whatever the test process around it (suites in parallel) allocates meanwhile.
        public var peakResidentBytes: Int
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

    /// Starts the program and waits for it (blocking the calling thread). posix_spawn and wait4
    /// rather than Foundation's `Process`, which reaps its children itself and so cannot report
    /// their resource use.
    private static func run(_ path: String, _ arguments: [String], _ environment: [String: String]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let outPath = directory.appendingPathComponent("vsynth-out-\(UUID().uuidString)").path
        let errPath = directory.appendingPathComponent("vsynth-err-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        // Files rather than pipes: no deadlock however much either stream holds.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }

        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let exited = status & 0x7F == 0
        return Result(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                      stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: errPath, encoding: .utf8),
                      peakResidentBytes: usage.ru_maxrss * 1024)
    }
}
