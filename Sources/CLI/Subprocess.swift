import Foundation

/// Runs a helper program (python3 for `pip download` and unzipping) and collects its output.
/// stdout and stderr go to one pipe so the output keeps pip's own order; each line is also handed
/// to `onLine` as it arrives, for progress.
struct Subprocess {
    /// What the program printed and how it ended.
    struct Result {
        var status: Int32
        var output: String
        var succeeded: Bool { status == 0 }
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]

    /// Runs the program to completion. A program that cannot be started is reported as exit
    /// status 127 with the reason as output, as a shell would.
    func run(onLine: (String) -> Void = { _ in }) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Result(status: 127, output: "cannot start \(executable): \(error.localizedDescription)")
        }
        var collected = Data()
        var lineStart = 0
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            collected.append(chunk)
            while let newline = collected[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                onLine(String(decoding: collected[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
            }
        }
        process.waitUntilExit()
        if lineStart < collected.count {
            onLine(String(decoding: collected[lineStart...], as: UTF8.self))
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus
                                                                   : process.terminationStatus
        return Result(status: status, output: String(decoding: collected, as: UTF8.self))
    }

    /// The first executable called `name` in the `PATH` of `environment`, or nil.
    static func find(_ name: String, in environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isRegularFile(atPath: candidate), FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
