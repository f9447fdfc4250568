import Foundation
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

/// The batch run on the real model: files below their count are topped up and written, a file at its
/// count is left byte for byte, and a rerun skips every file (resumable).
@Suite(.serialized) struct BatchSynthesisTests {
    /// A `.prompt` file (handlebars turns) or, with `markdown`, a `.prompt.md` file (heading turns).
    static func promptFile(task: String, input: String, output: String, inputLabel: String, outputLabel: String,
                           count: Int, demonstrations: [(String, String)], markdown: Bool = false) -> String {
        var text = """
        ---
        vsynth:
          task: \(task)
          count: \(count)
          seed: 3
          input_label: \(inputLabel)
          output_label: \(outputLabel)
        ---

        """
        if markdown {
            text += "<!-- vsynth:demos -->\n"
            for (x, y) in demonstrations { text += "### User\n\n\(x)\n\n### Model\n\n\(y)\n\n" }
            text += "<!-- /vsynth:demos -->\n\n## Input\n\n{{\(input)}}\n"
        } else {
            text += "{{!-- vsynth:demos --}}\n"
            for (x, y) in demonstrations { text += "{{role \"user\"}}\n\(x)\n{{role \"model\"}}\n\(y)\n" }
            text += "{{!-- /vsynth:demos --}}\n{{role \"user\"}}\n{{\(input)}}\n"
        }
        _ = output
        return text
    }

    static func options() -> SynthesisOptions {
        var options = SynthesisOptions()
        options.scale = 2
        options.candidatesPerRound = 2
        options.references = 2
        options.maxTokens = 40
        return options
    }

    @Test func topsUpTwoFilesSkipsTheFullOneAndResumes() async throws {
        let model = try TestModel.model()
        let directory = try TemporaryDirectory("batch")
        defer { directory.remove() }
        let files: [(name: String, text: String, count: Int)] = [
            ("animals.prompt", Self.promptFile(task: "Name the sound that the animal makes.", input: "animal", output: "sound",
                                               inputLabel: "Animal", outputLabel: "Sound", count: 2,
                                               demonstrations: [("dog", "bark")]), 2),
            ("capitals.prompt.md", Self.promptFile(task: "Give the capital city of the country.", input: "country", output: "capital",
                                                   inputLabel: "Country", outputLabel: "Capital", count: 2,
                                                   demonstrations: [("France", "Paris")], markdown: true), 2),
            ("full.prompt", Self.promptFile(task: "Give the opposite of the word.", input: "word", output: "opposite",
                                            inputLabel: "Word", outputLabel: "Opposite", count: 2,
                                            demonstrations: [("hot", "cold"), ("up", "down")]), 2),
        ]
        for file in files {
            try directory.write(file.text, to: file.name)
        }
        let full = try Data(contentsOf: directory.url.appendingPathComponent("full.prompt"))
        let paths = try PromptFileWalker.files([directory.path])
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["animals.prompt", "capitals.prompt.md", "full.prompt"])

        let reported = Recorded<BatchSynthesis.FileReport>()
        let batch = BatchSynthesis(model: model, jobs: 2, options: Self.options())
        let summary = await batch.run(files: paths) { reported.append($0) }
        print("batch --jobs 2: \(summary.seconds) s, \(summary.reports.map { "\($0.path): \($0.outcome)" })")
        #expect(summary.done == 2, "\(summary.reports)")
        #expect(summary.skipped == 1)
        #expect(summary.failed == 0)
        #expect(summary.added == 2)
        #expect(reported.items.count == 3)
        for name in ["animals.prompt", "capitals.prompt.md"] {
            let document = try PromptDocument(contentsOfFile: directory.url.appendingPathComponent(name).path)
            #expect(document.errors.isEmpty)
            #expect(document.demonstrationPairs.count == 2, "\(name)")
            // The hand-written demonstration is kept, first.
            #expect(document.demonstrationPairs.first?.input.contains(name == "animals.prompt" ? "dog" : "France") == true)
        }
        #expect(try Data(contentsOf: directory.url.appendingPathComponent("full.prompt")) == full)

        // A rerun finds every file at its count and changes nothing.
        let before = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let rerun = await batch.run(files: paths)
        #expect(rerun.skipped == 3, "\(rerun.reports)")
        #expect(rerun.added == 0)
        #expect(try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(leftovers == ["animals.prompt", "capitals.prompt.md", "full.prompt"])
    }

    /// A link inside the directory is written through: its target is topped up (once, though both
    /// names are walked), the link stays a link, and the target keeps its mode.
    @Test func writesThroughLinksInsideTheDirectory() async throws {
        let model = try TestModel.model()
        let directory = try TemporaryDirectory("batch")
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("real"), withIntermediateDirectories: true)
        let text = Self.promptFile(task: "Name the sound that the animal makes.", input: "animal", output: "sound",
                                   inputLabel: "Animal", outputLabel: "Sound", count: 2, demonstrations: [("dog", "bark")])
        let target = try directory.write(text, to: "real/animals.prompt")
        let link = directory.url.appendingPathComponent("animals.prompt").path
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("real/animals.prompt", link) == 0)
        let summary = await BatchSynthesis(model: model, jobs: 2, options: Self.options())
            .run(files: try PromptFileWalker.files([directory.path]))
        #expect(summary.reports.map(\.path) == [link])
        #expect(summary.done == 1, "\(summary.reports)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/animals.prompt", "the link stays a link")
        #expect(try PromptDocument(contentsOfFile: target).demonstrationPairs.count == 2)
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("real").path) == ["animals.prompt"])
    }

    @Test func aBrokenFileFailsAndTheOthersStillRun() async throws {
        let model = try TestModel.model()
        let directory = try TemporaryDirectory("batch")
        defer { directory.remove() }
        try directory.write("---\nvsynth:\n  count: 1\n---\nno task here\n", to: "a.prompt")
        let full = Self.promptFile(task: "Give the opposite of the word.", input: "word", output: "opposite",
                                   inputLabel: "Word", outputLabel: "Opposite", count: 1, demonstrations: [("hot", "cold")])
        try directory.write(full, to: "b.prompt")
        let summary = await BatchSynthesis(model: model, jobs: 2, options: Self.options())
            .run(files: try PromptFileWalker.files([directory.path]))
        #expect(summary.failed == 1)
        #expect(summary.skipped == 1)
        guard case let .failed(message) = summary.reports.first?.outcome else {
            Issue.record("expected a.prompt to fail, got \(summary.reports)")
            return
        }
        #expect(message.contains("a.prompt") && message.contains("no task definition"), "\(message)")
    }
}
