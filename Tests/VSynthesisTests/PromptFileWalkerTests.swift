import Foundation
import Testing
@testable import VSynthesis

@Suite struct PromptFileWalkerTests {
    @Test func walksSortedPromptFilesAndIgnoresLinksOutOfTheTree() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("vsynth-walk-\(UUID().uuidString)")
        let tree = base.appendingPathComponent("tree")
        let outside = base.appendingPathComponent("outside")
        let manager = FileManager.default
        try manager.createDirectory(at: tree.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try manager.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: base) }
        for name in ["b.prompt", "a.prompt.md", "notes.md", "x.prompt.bak", "README", "sub/c.prompt", ".hidden.prompt"] {
            try Data("x".utf8).write(to: tree.appendingPathComponent(name))
        }
        try Data("x".utf8).write(to: outside.appendingPathComponent("elsewhere.prompt"))
        // Links out of the tree: to a file and to a directory. A link inside the tree to a tree file
        // does not list that file twice.
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("link.prompt").path,
                                       withDestinationPath: outside.appendingPathComponent("elsewhere.prompt").path)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("outdir").path, withDestinationPath: outside.path)
        try manager.createSymbolicLink(atPath: tree.appendingPathComponent("sub/again.prompt").path,
                                       withDestinationPath: tree.appendingPathComponent("b.prompt").path)

        let files = try PromptFileWalker.files([tree.path])
        let relative = files.map { String($0.dropFirst(tree.path.count + 1)) }
        #expect(relative == ["a.prompt.md", "b.prompt", "sub/c.prompt"])

        // A file given directly is taken as given; the same file twice is listed once.
        let direct = try PromptFileWalker.files([outside.appendingPathComponent("elsewhere.prompt").path, tree.path,
                                                 tree.appendingPathComponent("b.prompt").path])
        #expect(direct.count == 4)
        #expect(throws: VSynthesisError.self) { try PromptFileWalker.files([base.appendingPathComponent("missing").path]) }
    }
}
