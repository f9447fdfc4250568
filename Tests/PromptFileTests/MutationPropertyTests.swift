import Foundation
import Support
import Testing
@testable import PromptFile

/// Random mutations of the example files: the parser never traps, and every file either parses
/// (and then round-trips through the editor unchanged) or reports errors whose positions lie
/// inside the file.
@Suite struct MutationPropertyTests {
    /// 12,000 by default; `VSYNTH_FUZZ_RUNS` and `VSYNTH_FUZZ_SEED` run longer or other campaigns.
    static let mutationsPerRun = ProcessInfo.processInfo.environment["VSYNTH_FUZZ_RUNS"].flatMap { Int($0) } ?? 12_000
    static let seed = ProcessInfo.processInfo.environment["VSYNTH_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_2026

    /// Fragments that steer mutations towards the parser's interesting paths.
    static let fragments: [[UInt8]] = [
        "---\n", "\n---", "{{!-- vsynth:demos --}}", "{{!-- /vsynth:demos --}}", "<!-- vsynth:demos -->",
        "<!-- /vsynth:demos -->", "{{role \"user\"}}", "{{role \"model\"}}", "{{role 'system'}}", "### User\n",
        "### Model\n", "\t", "\"", "'", "\\u12", "\\", ": ", "- ", "&a ", "*a", "!tag ", "|-\n", ">+2\n", "[", "]",
        "{", "}", "#", "\r", "\r\n", "\u{FEFF}", "😀", "e\u{301}", "東", "```\n", "vsynth.count: x\n", "  ", "\n\n",
    ].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], corpus: [[UInt8]], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let at = Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0 where !bytes.isEmpty: // byte flip
                let index = min(at, bytes.count - 1)
                bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            case 1: // random byte insertion
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
            case 2: // deletion of a span
                let length = Int.random(in: 1...16, using: &generator)
                bytes.removeSubrange(at..<min(at + length, bytes.count))
            case 3: // splice from another example
                let other = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
                let from = Int.random(in: 0..<other.count, using: &generator)
                let length = Int.random(in: 1...64, using: &generator)
                bytes.insert(contentsOf: other[from..<min(from + length, other.count)], at: at)
            default: // structural fragment
                bytes.insert(contentsOf: fragments[Int.random(in: 0..<fragments.count, using: &generator)], at: at)
            }
        }
        return bytes
    }

    /// How many parsed mutants went through `checkAppend`, and how many appends were refused.
    var appendsChecked = 0
    var appendsRefused = 0

    /// Appending a demonstration to a parsed mutant changes only its region (or creates one) and
    /// reads back as the old demonstrations plus the new one.
    mutating func checkAppend(to document: PromptDocument, run: Int) throws {
        appendsChecked += 1
        let added = Demonstration(input: "Added 😀 input", output: "added output")
        let edits: [TextEdit]
        do {
            edits = try document.edits(appending: added)
        } catch {
            // Refused because the result would not read back (checked by the editor itself).
            guard case .invalidEdit = error else { throw error }
            appendsRefused += 1
            return
        }
        let after = PromptDocument(bytes: try TextEdit.apply(edits, to: document.bytes), path: document.path)
        if after.hasErrors || after.demonstrationPairs != document.demonstrationPairs + [added] {
            Issue.record("run \(run): append read back as \(after.demonstrationPairs.count) demonstrations, errors \(after.errors)")
        }
        if let edit = edits.first, let region = document.region,
           edit.range.start.offset < region.range.start.offset || edit.range.end.offset > region.range.end.offset {
            Issue.record("run \(run): append edited outside the region")
        }
    }

    @Test mutating func mutatedExamplesParseOrFailInsideTheFile() throws {
        let paths = examplePaths()
        let corpus = try paths.map { path -> [UInt8] in
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(corpus.count >= 4)
        var generator = SplitMix64(seed: Self.seed)
        var parsed = 0
        var failed = 0
        for run in 0..<Self.mutationsPerRun {
            let which = run % corpus.count
            let bytes = Self.mutate(corpus[which], corpus: corpus, using: &generator)
            let document = PromptDocument(bytes: bytes, path: paths[which])
            for diagnostic in document.diagnostics {
                guard let range = diagnostic.range else {
                    Issue.record("run \(run): diagnostic without a position: \(diagnostic)")
                    continue
                }
                for position in [range.start, range.end] {
                    let inside = position.offset >= 0 && position.offset <= bytes.count
                        && position.line >= 0 && position.line < document.lines.lineCount
                        && document.lines.position(at: position.offset) == position
                    if !inside { Issue.record("run \(run): \(diagnostic) lies outside the file (\(bytes.count) bytes)") }
                }
                #expect(range.start.offset <= range.end.offset)
            }
            if document.hasErrors {
                failed += 1
            } else {
                parsed += 1
                let edits = try document.edits(replacingDemonstrationsWith: document.demonstrationPairs)
                if !edits.isEmpty { Issue.record("run \(run): round trip changed the file: \(edits)") }
                if parsed % 8 == 0 { try checkAppend(to: document, run: run) }
            }
        }
        print("mutation property: \(Self.mutationsPerRun) mutants, \(parsed) parsed, \(failed) with errors; "
              + "\(appendsChecked) appends checked, \(appendsRefused) refused")
        // Both outcomes must actually occur, or the mutations test nothing.
        #expect(appendsChecked > 50)
        #expect(appendsRefused * 10 < appendsChecked, "refused \(appendsRefused) of \(appendsChecked) appends")
        #expect(parsed > 100)
        #expect(failed > 100)
    }
}
