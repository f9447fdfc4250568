import CLI
import Foundation
import TestSupport
import Testing

/// The built `vsynth` executable: exit codes 0 / 1 / 2, `--help` of every command, `--version`.
struct BlackBoxTests {
    static let commandPaths = VSynthCLI.commands.map { $0.spec.path }

    @Test func version() async throws {
        let result = try await VSynthBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "vsynth \(VSynthCLI.version)\n")
        #expect(result.stderr.isEmpty)
        #expect(try await VSynthBinary.run(["version"]).stdout == result.stdout)
    }

    @Test("overview lists every command", arguments: [["--help"], ["-h"], ["help"]])
    func overview(arguments: [String]) async throws {
        let result = try await VSynthBinary.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout == VSynthCLI.overview + "\n")
        for path in Self.commandPaths {
            #expect(result.stdout.contains("  " + path.joined(separator: " ") + " "), "\(path)")
        }
    }

    @Test func noArgumentsIsAUsageError() async throws {
        let result = try await VSynthBinary.run([])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Usage: vsynth COMMAND"))
    }

    @Test("each command's --help, -h and 'vsynth help …' print its help", arguments: commandPaths)
    func commandHelp(path: [String]) async throws {
        let spec = try #require(VSynthCLI.commands.first { $0.spec.path == path }).spec
        for arguments in [path + ["--help"], path + ["-h"], ["help"] + path] {
            let result = try await VSynthBinary.run(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout == spec.help + "\n", "\(arguments)")
            #expect(result.stderr.isEmpty, "\(arguments)")
        }
        #expect(spec.help.contains("Usage: vsynth " + path.joined(separator: " ")))
    }

    @Test("each command rejects an unknown option with exit code 2", arguments: commandPaths)
    func unknownOption(path: [String]) async throws {
        let result = try await VSynthBinary.run(path + ["--no-such-option"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("unknown option '--no-such-option'"))
        #expect(result.stderr.contains("Run 'vsynth \(path.joined(separator: " ")) --help' for usage."))
    }

    @Test("unknown commands and options are usage errors", arguments: [
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
        (["help", "frobnicate"], "no help for unknown command 'frobnicate'"),
        (["model"], "vsynth model: needs a subcommand"),
        (["model", "frobnicate"], "vsynth model: unknown subcommand 'frobnicate'"),
        (["model", "path", "extra"], "vsynth model path: unexpected argument 'extra'"),
        (["model", "fetch", "--force=yes"], "option '--force' takes no value"),
        (["model", "fetch", "--forc"], "did you mean '--force'?"),
    ])
    func usageErrors(arguments: [String], message: String) async throws {
        let result = try await VSynthBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func markdownReference() async throws {
        let result = try await VSynthBinary.run(["help", "--markdown"])
        #expect(result.status == 0)
        #expect(result.stdout == VSynthCLI.referenceMarkdown)
    }

    @Test func groupHelp() async throws {
        for arguments in [["model", "--help"], ["help", "model"]] {
            let result = try await VSynthBinary.run(arguments)
            #expect(result.status == 0)
            #expect(result.stdout.contains("model fetch") && result.stdout.contains("model path"))
        }
    }

    @Test func modelPathFollowsVSYNTH_MODEL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/other.gguf"
        _ = FileManager.default.createFile(atPath: file, contents: Data("GGUF".utf8))
        let found = try await VSynthBinary.run(["model", "path"], environment: ["VSYNTH_MODEL": file])
        #expect(found.status == 0)
        #expect(found.stdout == file + "\n")
        #expect(found.stderr.isEmpty)

        let missing = try await VSynthBinary.run(["model", "path"], environment: ["VSYNTH_MODEL": directory.path + "/none.gguf"])
        #expect(missing.status == 1)
        #expect(missing.stdout == directory.path + "/none.gguf\n")
        #expect(missing.stderr.contains("named by VSYNTH_MODEL"))

        let isDirectory = try await VSynthBinary.run(["model", "path"], environment: ["VSYNTH_MODEL": directory.path])
        #expect(isDirectory.status == 1)
    }

    @Test func modelPathInAnEmptyModelsDirectoryHintsAtFetch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await VSynthBinary.run(["model", "path"], environment: ["VSYNTH_MODELS": directory.path, "VSYNTH_MODEL": nil])
        #expect(result.status == 1)
        #expect(result.stdout == directory.path + "/SmolLM2-135M-Instruct.Q4_1.gguf\n")
        #expect(result.stderr.contains("run 'vsynth model fetch'"))
    }

    @Test func modelFetchWithoutPythonSaysSo() async throws {
        let models = try TemporaryDirectory(), emptyPath = try TemporaryDirectory()
        defer { models.remove(); emptyPath.remove() }
        let result = try await VSynthBinary.run(["model", "fetch"],
                                          environment: ["VSYNTH_MODELS": models.path, "PATH": emptyPath.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("vsynth: model fetch: no python3 on PATH"))
        #expect(result.stderr.contains("hint: "))
    }

    /// The real model: `model fetch` finds the verified copy and keeps it; `model path` names it.
    @Test func modelFetchKeepsTheVerifiedRealModel() async throws {
        let model = try TestModel.path()
        let directory = (model as NSString).deletingLastPathComponent
        try #require((model as NSString).lastPathComponent == ModelSpec.smolLM2.fileName,
                     "VSYNTH_MODEL names another file; this test checks the default model")
        let environment: [String: String?] = ["VSYNTH_MODELS": directory, "VSYNTH_MODEL": nil, "PATH": "/nonexistent"]
        let fetch = try await VSynthBinary.run(["model", "fetch"], environment: environment)
        #expect(fetch.status == 0, "\(fetch.stderr)")
        #expect(fetch.stdout == model + "\n")
        #expect(fetch.stderr.contains("smollm2-135m already present and verified"))
        let path = try await VSynthBinary.run(["model", "path"], environment: environment)
        #expect(path.status == 0)
        #expect(path.stdout == model + "\n")
    }
}
