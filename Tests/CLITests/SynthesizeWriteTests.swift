import Foundation
import TestSupport
import Testing

/// `vsynth synthesize FILE --write` as a user runs it, on the real model, through a symbolic link to
/// a read-only file: refused with a hint, then written with `--force` into the link's target, the
/// link still a link and the file still read-only.
struct SynthesizeWriteTests {
    static let text = """
    ---
    vsynth:
      task: Name the sound that the animal makes.
      count: 2
      seed: 3
      input_label: Animal
      output_label: Sound
    ---
    {{!-- vsynth:demos --}}
    {{role "user"}}
    dog
    {{role "model"}}
    bark
    {{!-- /vsynth:demos --}}
    {{role "user"}}
    {{animal}}

    """

    @Test func writesThroughALinkAndRefusesAReadOnlyFileUnlessForced() async throws {
        let model = try TestModel.path()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/real", withIntermediateDirectories: false)
        let target = try directory.write(Self.text, to: "real/animals.prompt"), link = directory.path + "/animals.prompt"
        #expect(chmod(target, 0o444) == 0)
        #expect(symlink("real/animals.prompt", link) == 0)
        let arguments = ["synthesize", link, "--write", "--model", model, "--scale", "2", "--candidates", "2",
                         "--references", "2", "--max-tokens", "40"]

        let refused = try await VSynthBinary.run(arguments)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("vsynth: vsynthesis: \(link): not written: it is read-only (mode 0444)\nhint: pass --force"),
                "\(refused.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == Self.text)

        let forced = try await VSynthBinary.run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("wrote 1 demonstrations to \(link)"), "\(forced.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/animals.prompt", "the link stays a link")
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.components(separatedBy: "{{role \"user\"}}").count == 4, "two demonstrations and the input turn:\n\(written)")
        #expect(written.hasPrefix(Self.text.components(separatedBy: "{{!-- /vsynth:demos --}}")[0]), "the hand-written one is kept first")
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o444, "the file stays read-only")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/real") == ["animals.prompt"])
    }
}
