import Foundation
@testable import PromptFile
import TestSupport

/// The repository's `examples/` folder.
let examplesDirectory = TestFiles.examples

/// Every example prompt file's path, sorted.
func examplePaths() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".prompt") || $0.hasSuffix(".prompt.md") }.sorted()
        .map { examplesDirectory.appendingPathComponent($0).path }
}

/// The first error's code, for short assertions.
func errorCodes(_ document: PromptDocument) -> [String] { document.errors.map(\.error.code) }

/// A Dotprompt file with the given frontmatter lines and body.
func dotprompt(_ frontmatter: String, _ body: String) -> PromptDocument {
    PromptDocument(text: "---\n\(frontmatter)\n---\n\(body)", path: "test.prompt")
}
