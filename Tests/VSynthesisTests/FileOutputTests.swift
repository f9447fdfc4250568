import Foundation
import PromptFile
import TestSupport
import Testing
@testable import VSynthesis

@Suite struct FileOutputTests {
    @Test func diffOfOneChangedRegion() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n"
        let new = "a\nb\nc\nd\nX\nY\nf\ng\nh\n"
        let diff = UnifiedDiff.make(old: old, new: new, oldName: "a/f", newName: "b/f")
        #expect(diff == "--- a/f\n+++ b/f\n@@ -2,7 +2,8 @@\n b\n c\n d\n-e\n+X\n+Y\n f\n g\n h\n")
        #expect(UnifiedDiff.make(old: old, new: old, oldName: "a", newName: "b") == "")
        // Pure insertion at the end, without a final newline in the old text.
        #expect(UnifiedDiff.make(old: "a", new: "a\nb\n", oldName: "x", newName: "y")
                == "--- x\n+++ y\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n")
        #expect(UnifiedDiff.make(old: "a\n", new: "a\nb\n", oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -1 +1,2 @@\n a\n+b\n")
    }

    @Test func atomicWriteKeepsPermissionsAndRefusesChangedFiles() throws {
        let directory = try TemporaryDirectory("writer").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x.prompt").path
        let old = Array("old\n".utf8)
        FileManager.default.createFile(atPath: path, contents: Data(old), attributes: [.posixPermissions: 0o640])
        try PromptFileWriter.write(Array("new\n".utf8), to: path, expecting: old)
        #expect(FileManager.default.contents(atPath: path) == Data("new\n".utf8))
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o640)
        // The file now holds "new", so a writer that read "old" must refuse and leave it alone.
        #expect(throws: VSynthesisError.self) { try PromptFileWriter.write(Array("other\n".utf8), to: path, expecting: old) }
        #expect(FileManager.default.contents(atPath: path) == Data("new\n".utf8))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["x.prompt"])
    }

    @Test func promptFileFormatKeepsTurnsBare() {
        let text = """
        ---
        vsynth:
          task: Classify the review.
          input_label: Review
          output_label: Sentiment
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        Great kettle.
        {{role "model"}}
        positive
        {{!-- /vsynth:demos --}}

        """
        let document = PromptDocument(text: text, path: "r.prompt")
        #expect(document.errors.isEmpty)
        #expect(document.demonstrationFormat == DemonstrationFormat(inputLabel: "Review", outputLabel: "Sentiment", labelledTurns: false))
        #expect(document.demonstrationPairs == [Demonstration(input: "Great kettle.", output: "positive")])
    }
}
