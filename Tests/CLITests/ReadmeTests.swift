import CLI
import Foundation
import TestSupport
import Testing

/// README.md documents every command: its CLI reference is the `--help` texts, as
/// scripts/cli-reference.sh writes them.
struct ReadmeTests {
    @Test func cliReferenceIsCurrent() throws {
        let root = TestFiles.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- cli-reference:begin -->\n", end = "<!-- cli-reference:end -->"
        let start = try #require(readme.range(of: begin), "README.md lacks \(begin)")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex), "README.md lacks \(end)")
        let section = String(readme[start.upperBound..<stop.lowerBound])
        #expect(section == VSynthCLI.referenceMarkdown,
                "README.md's CLI reference is out of date: run scripts/cli-reference.sh and commit README.md")
    }
}
