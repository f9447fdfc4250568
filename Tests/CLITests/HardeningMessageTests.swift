import Foundation
import TestSupport
import Testing

/// Issue 11, findings 7 and 8 through the built binary: what a prompt file's `vsynth.backend` and
/// `vsynth.model` may choose, `--backend` and `--progress` on `score`, and the messages (with their
/// `hint:` lines) for files that are not prompt files or cannot be read as one.
@Suite(.serialized) struct HardeningMessageTests {
    static let task = "Classify the sentiment of the product review as positive or negative."

    /// A prompt file with `settings` lines added to its `vsynth` map and
    /// `demonstrations` (review, label) pairs.
    static func prompt(settings: [String] = [], demonstrations: [(String, String)] = [("The kettle boils fast, love it.", "positive")]) -> String {
        var text = "---\nvsynth:\n  task: \(task)\n"
        for line in settings { text += "  \(line)\n" }
        text += "---\n{{!-- vsynth:demos --}}\n"
        for (input, output) in demonstrations { text += "{{role \"user\"}}\n\(input)\n{{role \"model\"}}\n\(output)\n" }
        return text + "{{!-- /vsynth:demos --}}\n"
    }

    // MARK: - vsynth.backend / vsynth.model (finding 7)

    @Test func aFileNamingAURLIsWarnedAtTheValueAndNothingIsSent() async throws {
        _ = try TestModel.path()
        let recorder = try ConnectionRecorder()
        defer { recorder.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(Self.prompt(settings: ["backend: \(recorder.url)"]), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(file):4:12: warning: setting 'vsynth.backend' ignored: '\(recorder.url)' is a url"), "\(result.stderr)")
        #expect(recorder.connections == 0)
        #expect(result.stdout.contains("positive"))
    }

    @Test func aFileNamingAConfiguredBackendByNameUsesIt() async throws {
        let recorder = try ConnectionRecorder()
        defer { recorder.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(Self.prompt(settings: ["backend: my-server"]), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file], environment: ["VSYNTH_BACKEND_MY_SERVER": recorder.url + "?retries=0"])
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        #expect(recorder.connections >= 1, "the named backend was not contacted: \(result.stderr)")
    }

    @Test func aFileNamingAnUnknownBackendOrAModelPathIsWarnedAndScoredWithTheUsersModel() async throws {
        _ = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bogus = try directory.write("not a model", to: "evil.gguf")
        let file = try directory.write(Self.prompt(settings: ["backend: gpu-box", "model: \(bogus)"]), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(file):4:12: warning: setting 'vsynth.backend' ignored: 'gpu-box' names no configured backend (configured: embedded"),
                "\(result.stderr)")
        #expect(result.stderr.contains("\(file):5:10: warning: setting 'vsynth.model' ignored: '\(bogus)' is a path"), "\(result.stderr)")
        #expect(!result.stderr.contains("evil.gguf:"), "the file's model path was opened: \(result.stderr)")
    }

    @Test func scoreTakesBackend() async throws {
        let recorder = try ConnectionRecorder()
        defer { recorder.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(Self.prompt(), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file, "--backend", recorder.url + "?retries=0"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(recorder.connections >= 1, "\(result.stderr)")
    }

    // MARK: - Progress (finding 8)

    @Test func scoreProgressReportsEachChunk() async throws {
        _ = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pairs = (0..<300).map { ("Review number \($0) says it works.", $0 % 2 == 0 ? "positive" : "negative") }
        let file = try directory.write(Self.prompt(demonstrations: pairs), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file, "--progress"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("with the task: 128/300 demonstrations scored"), "\(result.stderr)")
        #expect(result.stderr.contains("without the task: 300/300 demonstrations scored"), "\(result.stderr)")
    }

    // MARK: - Messages (finding 8)

    @Test func aFIFOIsRefusedWithAHintInsteadOfBlocking() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.path + "/pipe.prompt"
        #expect(mkfifo(fifo, 0o600) == 0)
        for command in [["score"], ["parse"], ["synthesize"]] {
            let result = try await VSynthBinary.run(command + [fifo])
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("vsynth: \(fifo): is a fifo (named pipe), not a prompt file\nhint: "), "\(result.stderr)")
        }
    }

    @Test func aDirectoryGivenToScoreHasAHint() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for command in [["score"], ["parse"]] {
            let result = try await VSynthBinary.run(command + [directory.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is a directory, not a prompt file\nhint: "), "\(result.stderr)")
        }
    }

    @Test func aMissingFileHasAHint() async throws {
        let result = try await VSynthBinary.run(["score", "/nonexistent/task.prompt"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/task.prompt: no such file\nhint: "), "\(result.stderr)")
    }

    @Test func aUTF16FileIsNamedAsSuch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/task.prompt"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in Self.prompt().utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let result = try await VSynthBinary.run(["score", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the file is utf-16 (little-endian); prompt files are utf-8"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: convert it"), "\(result.stderr)")
        #expect(!result.stderr.contains("invalid utf-8"))
    }

    @Test func aDoubledByteOrderMarkIsAnErrorAtTheStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("\u{FEFF}\u{FEFF}" + Self.prompt(), to: "task.prompt")
        let result = try await VSynthBinary.run(["parse", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):1:1: error: the file starts with two byte-order marks"), "\(result.stderr)")
    }

    @Test("a marker one dash short is a located error and --write refuses", arguments: [
        ("{{!-- vsynth:demos -}}", "{{!-- vsynth:demos --}}"),
        ("{{!- vsynth:demos --}}", "{{!-- vsynth:demos --}}"),
    ])
    func malformedMarker(written: String, expected: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = Self.prompt().replacingOccurrences(of: "{{!-- vsynth:demos --}}", with: written)
        let file = try directory.write(text, to: "task.prompt")
        let result = try await VSynthBinary.run(["synthesize", file, "--write", "-n", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):5:1: error: malformed region marker '\(written)': write it as '\(expected)'"), "\(result.stderr)")
        #expect(!result.stderr.contains("{{role"), "the message quotes more than the marker: \(result.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
    }

    @Test func anUnusableModelFileIsNamedWithAHint() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let model = try directory.write("GGUF but not really", to: "broken.gguf")
        let file = try directory.write(Self.prompt(), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file], environment: ["VSYNTH_MODEL": model])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot load the model \(model): "), "\(result.stderr)")
        #expect(result.stderr.contains("\nhint: "), "\(result.stderr)")
    }

    @Test func aTaskLongerThanTheContextNamesTheFileAndWhatToDo() async throws {
        _ = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let long = String(repeating: "Classify the review carefully. ", count: 700)
        let file = try directory.write(Self.prompt().replacingOccurrences(of: Self.task, with: long), to: "task.prompt")
        let result = try await VSynthBinary.run(["score", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("vsynth: \(file): the task definition with a demonstration is "), "\(result.stderr)")
        #expect(result.stderr.contains("more than the model's context of 2048\nhint: shorten the task definition"), "\(result.stderr)")
    }
}
