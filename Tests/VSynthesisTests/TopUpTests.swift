import PromptFile
import Testing
@testable import VSynthesis

/// `TopUp`, the one top-up path of `vsynth synthesize`, the batch run and the daemon: what a file
/// should hold and lacks, which seed wins, and the file's new bytes.
struct TopUpTests {
    static func document(count: Int?, seed: Int?, demonstrations: [(String, String)]) -> PromptDocument {
        var text = "---\nvsynth:\n  task: Give the opposite of the word.\n"
        if let count { text += "  count: \(count)\n" }
        if let seed { text += "  seed: \(seed)\n" }
        text += "---\n{{!-- vsynth:demos --}}\n"
        for (x, y) in demonstrations { text += "{{role \"user\"}}\n\(x)\n{{role \"model\"}}\n\(y)\n" }
        text += "{{!-- /vsynth:demos --}}\n{{role \"user\"}}\n{{word}}\n"
        return PromptDocument(text: text, path: "opposites.prompt")
    }

    @Test func targetIsTheFilesCountElseTheDefault() {
        let set = TopUp(document: Self.document(count: 3, seed: nil, demonstrations: [("hot", "cold")]), task: "t")
        #expect(set.target == 3 && set.held == 1 && set.lacking == 2)
        let unset = TopUp(document: Self.document(count: nil, seed: nil, demonstrations: [("hot", "cold")]), task: "t")
        #expect(unset.target == TopUp.defaultCount && unset.lacking == TopUp.defaultCount - 1)
        let server = TopUp(document: Self.document(count: nil, seed: nil, demonstrations: []), task: "t", defaultCount: 7)
        #expect(server.target == 7 && server.lacking == 7)
        let full = TopUp(document: Self.document(count: 1, seed: nil, demonstrations: [("hot", "cold"), ("up", "down")]), task: "t")
        #expect(full.lacking == 0)
        #expect(SynthesisOptions().count == TopUp.defaultCount)
    }

    @Test func seedGivenBeatsTheFilesWhichBeatsTheBase() {
        var base = SynthesisOptions()
        base.seed = 11
        let seeded = TopUp(document: Self.document(count: 2, seed: 5, demonstrations: []), task: "t")
        #expect(seeded.options(base, count: 2).seed == 5)
        #expect(seeded.options(base, count: 2, seed: 9).seed == 9)
        #expect(seeded.options(base, count: 2).count == 2)
        let unseeded = TopUp(document: Self.document(count: 2, seed: nil, demonstrations: []), task: "t")
        #expect(unseeded.options(base, count: 1).seed == 11)
    }

    @Test func newBytesAddAfterTheFilesOwnOrReplaceThem() throws {
        let document = Self.document(count: 3, seed: nil, demonstrations: [("hot", "cold")])
        let topUp = TopUp(document: document, task: "t")
        let added = [Demonstration(input: "up", output: "down")]
        let adding = PromptDocument(bytes: try topUp.newBytes(adding: added), path: "opposites.prompt")
        #expect(adding.demonstrationPairs == [Demonstration(input: "hot", output: "cold"), Demonstration(input: "up", output: "down")])
        let replacing = PromptDocument(bytes: try topUp.newBytes(adding: added, replacing: true), path: "opposites.prompt")
        #expect(replacing.demonstrationPairs == added)
        #expect(topUp.references == document.demonstrationPairs)
    }
}
