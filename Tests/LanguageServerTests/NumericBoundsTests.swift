import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Testing

/// Issue 11, finding 1: numbers from files, settings and command arguments are bounded (`Limits`)
/// and an extreme one is an error answered to the client, never a trap of the daemon.
@Suite struct NumericBoundsTests {
    /// The exact reproduction: a file with an enormous count and `refresh: on-save` in a watched
    /// folder, changed on disk. The daemon used to trap (count × attempts overflowed in the synthesizer).
    static func hugeCountFile(refresh: String = "on-save") -> String {
        """
        ---
        description: \(Fixture.task)
        vsynth:
          count: 9223372036854775807
          refresh: \(refresh)
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        Broke after two days.
        {{role "model"}}
        negative
        {{!-- /vsynth:demos --}}

        """
    }

    @Test func aHugeCountInAWatchedOnSaveFileChangedOnDiskIsADiagnosticNotACrash() async throws {
        let folder = try WatchingTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = try TestSession()
        try await session.initialize(folders: [folder.path])
        try await session.barrier()
        let file = folder.appendingPathComponent("huge.prompt")
        let uri = FileURI.uri(of: file.path)
        try Self.hugeCountFile().write(to: file, atomically: true, encoding: .utf8)
        let first = try await session.diagnostics(uri) { !$0.diagnostics.isEmpty }
        let error = try #require(first.diagnostics.first { $0.code == "setting-value" })
        #expect(error.severity == .error)
        #expect(error.range.start.line == 3 && error.range.start.character == 9, "\(error.range)")
        #expect(error.message.contains("0...1000"))
        // A change on disk (as a `git pull` makes) is read again: still a diagnostic, still alive.
        try (Self.hugeCountFile() + "\n").write(to: file, atomically: true, encoding: .utf8)
        _ = try await session.diagnostics(uri) { $0.diagnostics.contains { $0.code == "setting-value" } }
        try await session.barrier()
        #expect(session.exitCodesSeen.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.hugeCountFile() + "\n", "the file was written")
        await session.close()
    }

    @Test func topUpOfAHugeCountIsAnErrorResponse() async throws {
        let session = try TestSession()
        try await session.initialize()
        let uri = "file:///bounds/huge.prompt"
        try session.open(uri, Self.hugeCountFile())
        do {
            let answer = try await session.client.send(ExecuteCommandRequest(command: "vsynth.topUp", arguments: [["uri": .string(uri)]]))
            Issue.record("topUp started: \(answer)")
        } catch let error as ResponseError {
            #expect(error.message.contains("0...1000"), "\(error.message)")
        }
        try await session.barrier()
        #expect(session.exitCodesSeen.isEmpty)
        await session.close()
    }

    /// JSON values a client can send for a number; NaN cannot travel (it serializes as null).
    static let wireExtremes: [JSONValue] = [.integer(.max), .integer(.min), .integer(-1), .integer(0), .integer(1_000_001),
                                            .double(1e308), .double(-1e308), .double(0.5), .string("1e400"), .bool(true)]

    /// Whether `value` is a valid integer in `range`.
    static func integer(_ value: JSONValue, in range: ClosedRange<Int>) -> Bool {
        if case .integer(let number) = value, let int = Int(exactly: number) { return range.contains(int) }
        return false
    }

    @Test func everyNumericServerSettingRefusesItsExtremes() throws {
        let integers: [String: ClosedRange<Int>] = ["threads": Limits.threads, "count": Limits.count, "seed": Limits.seed,
                                                    "debounce": Limits.debounce, "scale": Limits.scale,
                                                    "parallel": Limits.parallel]
        for (key, range) in integers {
            for value in Self.wireExtremes {
                var configuration = ServerConfiguration()
                let accepted = (try? configuration.update(from: ["vsynth": .object([key: value])])) != nil
                #expect(accepted == Self.integer(value, in: range), "\(key): \(value.serializedString())")
            }
        }
        for value in Self.wireExtremes + [.double(.nan), .double(.infinity), .double(-.infinity)] {
            var configuration = ServerConfiguration()
            let accepted = (try? configuration.update(from: ["threshold": value])) != nil
            let expected: Bool = switch value {
            case .integer(let n): Limits.threshold.contains(Double(n))
            case .double(let d): Limits.threshold.contains(d)
            default: false
            }
            #expect(accepted == expected, "threshold: \(value)")
        }
        // Every key the server reads that holds a number is covered above.
        let numeric = Set(integers.keys).union(["threshold"])
        #expect(numeric.isSubset(of: Set(ServerConfiguration.keys)))
        #expect(Set(ServerConfiguration.keys).subtracting(numeric) == ["backend", "backends", "frame", "model", "modelPath", "models", "refresh", "statusNotifications"])
    }

    @Test func initializationOptionsOutOfBoundsAreAnErrorResponse() async throws {
        for (key, value) in [("count", JSONValue.integer(.max)), ("scale", .integer(.max)), ("seed", .integer(-1)),
                             ("threshold", .double(1e308)), ("threads", .integer(.min)), ("debounce", .integer(.max))] {
            let session = try TestSession()
            await #expect(throws: ResponseError.self, "\(key)") {
                try await session.initialize(options: ["vsynth": .object([key: value])])
            }
            await session.close()
        }
    }

    @Test func synthesizeArgumentNOutOfBoundsIsAnErrorResponse() async throws {
        let session = try TestSession()
        try await session.initialize()
        let uri = "file:///bounds/n.prompt"
        try session.open(uri, Fixture.prompt())
        for value in Self.wireExtremes where !Self.integer(value, in: Limits.demonstrations) {
            do {
                let answer = try await session.client.send(ExecuteCommandRequest(
                    command: "vsynth.synthesize", arguments: [["uri": .string(uri), "n": value]]))
                Issue.record("n = \(value.serializedString()) started: \(answer)")
            } catch let error as ResponseError {
                #expect(error.code == .invalidParams && error.message.contains("1...1000"), "\(error)")
            }
        }
        try await session.barrier()
        #expect(session.exitCodesSeen.isEmpty)
        await session.close()
    }

    /// The file's numeric settings through the daemon: each extreme is an error diagnostic at the value.
    @Test func fileSettingExtremesAreDiagnosticsAtTheValue() async throws {
        let session = try TestSession()
        try await session.initialize()
        var expected: [String: Int] = [:]
        for key in ["count", "seed", "threshold"] {
            for (index, text) in ["9223372036854775808", "-9223372036854775808", "-1e308", "1e400", ".nan", ".inf", "-.inf"].enumerated() {
                let uri = "file:///bounds/\(key)-\(index).prompt"
                try session.open(uri, "---\ndescription: \(Fixture.task)\nvsynth:\n  \(key): \(text)\n---\nbody\n")
                expected[uri] = 3
            }
        }
        var published: [String: [LSPDiagnostic]] = [:]
        while published.count < expected.count {
            let next = try await session.client.nextNotification(PublishDiagnosticsNotification.self, timeout: .seconds(30))
            if expected[next.uri] != nil, !next.diagnostics.isEmpty { published[next.uri] = next.diagnostics }
        }
        for (uri, line) in expected {
            let errors = (published[uri] ?? []).filter { $0.severity == .error }
            #expect(errors.count == 1 && errors.first?.range.start.line == line, "\(uri): \(published[uri] ?? [])")
        }
        try await session.barrier()
        #expect(session.exitCodesSeen.isEmpty)
        await session.close()
    }
}
