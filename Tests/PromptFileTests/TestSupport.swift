import Foundation
@testable import PromptFile

/// The repository's `examples/` folder, found from this file's path (no SwiftPM resources).
let examplesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples")

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
