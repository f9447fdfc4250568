import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Support
import TestSupport
import Testing

@Suite struct WatchingTests {
    static func temporaryFolder() throws -> URL {
        let folder = try TemporaryDirectory("lsp").url
        return folder
    }

    /// Waits until `condition` holds for the file's text (or the timeout passes).
    static func waitFor(_ path: String, timeout: Duration = LocalClient.defaultTimeout, _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), condition(text) { return text }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// With inotify (Linux) and with the portable polling watcher.
    @Test(arguments: [false, true])
    func aSavedClosedFileIsToppedUpAtomicallyWithItsPermissions(polling: Bool) async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("nested"), withIntermediateDirectories: true)
        let session = try TestSession(forcePolling: polling)
        try await session.initialize(folders: [folder.path])
        try await session.barrier()
        let file = folder.appendingPathComponent("nested/closed.prompt")
        let original = Fixture.prompt(demonstrations: 1, count: 3, extraSettings: "\n  refresh: on-save")
        try original.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        let text = try await Self.waitFor(file.path) { PromptDocument(text: $0).demonstrations.count == 3 }
        let parsed = PromptDocument(text: text, path: file.path)
        #expect(parsed.demonstrations.count == 3)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.demonstrationPairs.first == PromptDocument(text: original).demonstrationPairs.first)
        // Everything outside the region is the user's, byte for byte.
        let regionEnd = try #require(original.range(of: "{{!-- /vsynth:demos --}}"))
        #expect(text.hasSuffix(String(original[regionEnd.lowerBound...])))
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o640)
        // No leftover temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("nested").path) == ["closed.prompt"])
        await session.close()
    }

    @Test func nothingIsWrittenThroughASymlinkOutOfTheWorkspaceOrToOtherFiles() async throws {
        let folder = try Self.temporaryFolder()
        let outside = try Self.temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: outside)
        }
        let session = try TestSession()
        try await session.initialize(folders: [folder.path])
        try await session.barrier()
        let content = Fixture.prompt(demonstrations: 1, count: 3, extraSettings: "\n  refresh: on-save")
        let target = outside.appendingPathComponent("elsewhere.prompt")
        try content.write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.prompt").path,
                                                   withDestinationPath: target.path)
        let notPrompt = folder.appendingPathComponent("notes.txt")
        try content.write(to: notPrompt, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(1))
        #expect(try String(contentsOf: target, encoding: .utf8) == content)
        #expect(try String(contentsOf: notPrompt, encoding: .utf8) == content)
        #expect(await !session.server.isWatchable(folder.appendingPathComponent("link.prompt").path))
        #expect(await !session.server.isWatchable(notPrompt.path))
        #expect(await session.server.isWatchable(folder.appendingPathComponent("sub/x.prompt.md").path))
        await session.close()
    }

    @Test func anOpenDocumentIsToppedUpOnSaveThroughApplyEdit() async throws {
        let session = try TestSession()
        try await session.initialize()
        let uri = "file:///tmp/onsave.prompt"
        let original = Fixture.prompt(demonstrations: 2, count: 3, extraSettings: "\n  refresh: on-save")
        let text = Locked(original), version = Locked(1)
        SynthesisCommandTests.respond(session, uri: uri, text: text, version: version)
        try session.open(uri, original)
        try session.client.send(DidSaveTextDocumentNotification(textDocument: .init(uri: uri)))
        _ = try await session.client.nextServerRequest(method: ApplyEditRequest.method)
        _ = try await session.scoredDiagnostics(uri, demonstrations: 3)
        #expect(PromptDocument(text: text.withLock { $0 }).demonstrations.count == 3)
        await session.close()
    }
}
