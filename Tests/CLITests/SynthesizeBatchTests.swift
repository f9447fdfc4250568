import Foundation
import TestSupport
import Testing

/// `vsynth synthesize DIR... --jobs N` as a user runs it: usage errors for single-file options, a
/// failing file that does not stop the others, per-file progress, the summary line and exit code 1.
struct SynthesizeBatchTests {
    @Test func singleFileOptionsAreUsageErrorsInABatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for option in [["--diff"], ["--json"], ["--replace"], ["--show-drops"], ["-n", "2"]] {
            let result = try await VSynthBinary.run(["synthesize", directory.path, "--jobs", "2"] + option)
            #expect(result.status == 2, "\(option): \(result.stderr)")
            #expect(result.stderr.contains("applies to one file only"), "\(result.stderr)")
        }
        let missing = try await VSynthBinary.run(["synthesize", directory.path + "/missing", "--jobs", "2"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("missing: no such file or directory"), "\(missing.stderr)")
    }

    @Test func aFailedFileSetsExitCodeOneAndTheOthersAreReported() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let full = """
        ---
        vsynth:
          task: Give the opposite of the word.
          count: 1
          input_label: Word
          output_label: Opposite
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        hot
        {{role "model"}}
        cold
        {{!-- /vsynth:demos --}}
        {{role "user"}}
        {{word}}

        """
        try directory.write(full, to: "full.prompt")
        try directory.write("---\nvsynth:\n  count: 1\n---\nno task\n", to: "broken.prompt")
        try directory.write("not a prompt", to: "notes.txt")
        let result = try await VSynthBinary.run(["synthesize", directory.path, "--jobs", "2", "--model", model])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("broken.prompt: failed:") && result.stderr.contains("no task definition"), "\(result.stderr)")
        #expect(result.stderr.contains("full.prompt: skipped, already 1 of count 1"), "\(result.stderr)")
        #expect(result.stderr.contains("0 done, 1 skipped, 1 failed; 0 demonstrations added"), "\(result.stderr)")
        #expect(try String(contentsOfFile: directory.path + "/full.prompt", encoding: .utf8) == full)
    }
}
