import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile
import Support
import Testing

/// Issue 11, finding 7 in the daemon: a prompt file's `vsynth.backend` / `vsynth.model` choose
/// among the backends and models the user configured by name; a URL, a path or an unknown name
/// is a warning at the value and never reaches the model loader.
@Suite struct ModelChoiceTests {
    /// Opens the fixture with `settings` added under `vsynth:` and returns its first scored
    /// diagnostics and every configuration the server asked to load.
    static func open(_ settings: String, options: JSONValue? = nil) async throws
        -> (diagnostics: PublishDiagnosticsNotification, loads: [ServerConfiguration])
    {
        let loads = Locked<[ServerConfiguration]>([])
        let session = try TestSession(onLoad: { configuration in loads.withLock { $0.append(configuration) } })
        try await session.initialize(options: options)
        let uri = "file:///choice.prompt"
        try session.open(uri, Fixture.prompt(extraSettings: settings))
        let diagnostics = try await session.scoredDiagnostics(uri, demonstrations: 2)
        await session.close()
        return (diagnostics, loads.withLock { $0 })
    }

    @Test func aURLInTheFileIsAWarningAtTheValueAndNeverLoaded() async throws {
        let (published, loads) = try await Self.open("\n  backend: http://127.0.0.1:9/v1")
        let warning = try #require(published.diagnostics.first { $0.code == "setting-ignored" })
        #expect(warning.severity == .warning)
        #expect(warning.range.start == Position(line: 6, character: 11))
        #expect(warning.message.contains("is a url, not a name"))
        #expect(!loads.isEmpty)
        #expect(loads.allSatisfy { $0.backendSpec == "embedded" && !$0.backend.contains("127.0.0.1") }, "\(loads.map(\.backend))")
    }

    @Test func aModelPathInTheFileIsAWarningAndNeverLoaded() async throws {
        let (published, loads) = try await Self.open("\n  model: /tmp/evil.gguf")
        let warning = try #require(published.diagnostics.first { $0.code == "setting-ignored" })
        #expect(warning.message.contains("'/tmp/evil.gguf' is a path or url"))
        #expect(loads.allSatisfy { $0.modelPath == nil }, "\(loads.map(\.modelPath))")
    }

    @Test func aConfiguredNameIsHonoured() async throws {
        let options: JSONValue = ["vsynth": ["backends": ["gpu-box": "http://127.0.0.1:1234"], "models": ["small": "/models/small.gguf"]]]
        let (published, loads) = try await Self.open("\n  backend: GPU_box\n  model: small", options: options)
        #expect(!published.diagnostics.contains { $0.code == "setting-ignored" }, "\(published.diagnostics)")
        #expect(loads.contains { $0.backend == "http://127.0.0.1:1234" && $0.modelPath == "/models/small.gguf" }, "\(loads.map(\.backend))")
    }

    @Test func anUnknownNameSaysWhichNamesExist() async throws {
        let options: JSONValue = ["vsynth": ["backends": ["gpu-box": "http://127.0.0.1:1234"]]]
        let (published, loads) = try await Self.open("\n  backend: big", options: options)
        let warning = try #require(published.diagnostics.first { $0.code == "setting-ignored" })
        #expect(warning.message.contains("'big' names no configured backend (configured: embedded, gpu-box)"))
        #expect(loads.allSatisfy { $0.backendSpec == "embedded" })
    }

    @Test func namesComeFromTheEnvironmentToo() {
        let named = NamedModels.fromEnvironment(["VSYNTH_BACKEND_GPU_BOX": "http://127.0.0.1:1", "VSYNTH_MODEL_SMALL": "/m.gguf",
                                                 "VSYNTH_MODELS": "/dir", "VSYNTH_MODEL": "/x.gguf"])
        #expect(named.backend(named: "gpu-box") == "http://127.0.0.1:1")
        #expect(named.model(named: "Small") == "/m.gguf")
        #expect(named.models.count == 1 && named.backends.count == 1)
        #expect(named.backend(named: "embedded") == "embedded")
    }
}
