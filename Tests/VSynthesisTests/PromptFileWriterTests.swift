import Foundation
import TestSupport
import Testing
@testable import VSynthesis

/// The writer behind `--write`, batch runs and refresh on save, on real files: it writes through
/// symbolic links, keeps mode, owner and hard links, refuses read-only files unless forced, never
/// makes a temporary file more readable than the original, cleans up after killed writers, and never
/// loses an edit made while it writes (an edit injected at every step of the write).
@Suite struct PromptFileWriterTests {
    static let old = Array("old\n".utf8)
    static let new = Array("new\n".utf8)

    /// A fresh directory holding `x.prompt` ("old\n") with `mode`; removed by `remove()`.
    struct Scratch {
        let directory: String
        var file: String { directory + "/x.prompt" }

        init(mode: mode_t = 0o644) throws {
            directory = try TemporaryDirectory("writer").path
            try Data(PromptFileWriterTests.old).write(to: URL(fileURLWithPath: directory + "/x.prompt"))
            chmod(directory + "/x.prompt", mode)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
        func contents(_ path: String? = nil) -> [UInt8] { FileManager.default.contents(atPath: path ?? file).map { [UInt8]($0) } ?? [] }
        func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() }
        func temporaries() -> [String] { names().filter { $0.hasPrefix(".x.prompt.vsynth-") } }
    }

    static func status(_ path: String) -> stat {
        var result = stat()
        lstat(path, &result)
        return result
    }

    static func mode(_ path: String) -> mode_t { status(path).st_mode & 0o7777 }

    @Test func writesThroughASymbolicLink() throws {
        let scratch = try Scratch(mode: 0o640)
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.directory + "/links", withIntermediateDirectories: false)
        let link = scratch.directory + "/links/x.prompt"
        #expect(symlink("../x.prompt", link) == 0)
        try PromptFileWriter.write(Self.new, to: link, expecting: Self.old)
        #expect(Self.status(link).st_mode & S_IFMT == S_IFLNK, "the link must stay a link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "../x.prompt")
        #expect(scratch.contents() == Self.new, "the target gets the new bytes")
        #expect(Self.mode(scratch.file) == 0o640)
        #expect(scratch.names() == ["links", "x.prompt"])
        // A link to nothing is not a file that can still be read.
        #expect(symlink("gone.prompt", scratch.directory + "/dangling.prompt") == 0)
        #expect(throws: VSynthesisError.fileChanged(path: scratch.directory + "/dangling.prompt",
                                                    message: "it can no longer be read (No such file or directory)")) {
            try PromptFileWriter.write(Self.new, to: scratch.directory + "/dangling.prompt", expecting: Self.old)
        }
    }

    @Test(arguments: [0o640, 0o600, 0o664, 0o2755] as [mode_t])
    func keepsTheMode(mode: mode_t) throws {
        let scratch = try Scratch(mode: mode)
        defer { scratch.remove() }
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old)
        #expect(scratch.contents() == Self.new)
        #expect(Self.mode(scratch.file) == mode)
    }

    @Test func keepsHardLinks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let other = scratch.directory + "/other.prompt"
        #expect(link(scratch.file, other) == 0)
        let inode = Self.status(scratch.file).st_ino
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old)
        #expect(scratch.contents() == Self.new)
        #expect(scratch.contents(other) == Self.new, "both names see the new content")
        #expect(Self.status(scratch.file).st_ino == inode)
        #expect(Self.status(other).st_ino == inode)
        #expect(Self.status(scratch.file).st_nlink == 2)
        // In place, a change made before the last comparison is still seen.
        #expect(throws: VSynthesisError.self) {
            try PromptFileWriter.write(Self.old, to: scratch.file, expecting: Self.new, force: false) { step in
                guard step == .checked else { return }
                // Rewritten in place through the other name, as `echo edit > other.prompt` does.
                let handle = FileHandle(forUpdatingAtPath: other)
                try? handle?.truncate(atOffset: 0)
                handle?.write(Data("edit\n".utf8))
                try? handle?.close()
            }
        }
        #expect(scratch.contents() == Array("edit\n".utf8))
    }

    @Test func refusesAReadOnlyFileUnlessForced() throws {
        let scratch = try Scratch(mode: 0o444)
        defer { scratch.remove() }
        #expect(throws: VSynthesisError.fileReadOnly(path: scratch.file, mode: 0o444)) {
            try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old)
        }
        #expect(VSynthesisError.fileReadOnly(path: "x", mode: 0o444).description == "vsynthesis: x: not written: it is read-only (mode 0444)")
        #expect(scratch.contents() == Self.old)
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old, force: true)
        #expect(scratch.contents() == Self.new)
        #expect(Self.mode(scratch.file) == 0o444)
    }

    /// The tests run as root, which may give a file to anyone; a writer that replaced the file with
    /// its own would leave it owned by root.
    @Test(.enabled(if: geteuid() == 0, "needs root to give the file to another user"))
    func keepsTheOwner() throws {
        let scratch = try Scratch(mode: 0o640)
        defer { scratch.remove() }
        #expect(chown(scratch.file, 4242, 4243) == 0)
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old)
        #expect(scratch.contents() == Self.new)
        #expect(Self.status(scratch.file).st_uid == 4242)
        #expect(Self.status(scratch.file).st_gid == 4243)
        #expect(Self.mode(scratch.file) == 0o640)
    }

    @Test func theTemporaryFileIsNeverMoreOpenThanTheOriginal() throws {
        let scratch = try Scratch(mode: 0o640)
        defer { scratch.remove() }
        if geteuid() == 0 { #expect(chown(scratch.file, 4242, 4243) == 0) }
        let owner = Self.status(scratch.file).st_uid
        var seen: [PromptFileWriter.Step] = []
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old, force: false) { step in
            guard step != .checked, step != .swapped else { return }
            seen.append(step)
            let temporaries = scratch.temporaries()
            #expect(temporaries.count == 1, "\(step)")
            for name in temporaries {
                let mode = Self.mode(scratch.directory + "/" + name)
                #expect(mode & ~0o640 == 0, "\(step): the temporary file has mode \(String(mode, radix: 8))")
                if step != .temporaryCreated {
                    #expect(mode == 0o640, "\(step)")
                    #expect(Self.status(scratch.directory + "/" + name).st_uid == owner, "\(step)")
                }
            }
        }
        #expect(seen == [.temporaryCreated, .temporaryWritten, .synced, .beforeSwap])
        #expect(scratch.names() == ["x.prompt"])
    }

    @Test func removesTemporariesOfKilledWriters() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let stale = ".x.prompt.vsynth-\(dead)-1f2e", live = ".x.prompt.vsynth-1-3c4d", mine = ".x.prompt.vsynth-\(getpid())-5e6f"
        let otherFile = ".y.prompt.vsynth-\(dead)-7a8b"
        for name in [stale, live, mine, otherFile] {
            #expect(FileManager.default.createFile(atPath: scratch.directory + "/" + name, contents: Data("left\n".utf8)))
        }
        try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old)
        #expect(scratch.names() == [live, mine, otherFile, "x.prompt"].sorted())
    }

    /// How another program changes the file while the writer works.
    enum Edit: CaseIterable {
        /// Appends through the file's name (`echo edit >> x.prompt`).
        case append
        /// Writes through a descriptor opened before the write began (an editor holding the file open).
        case heldDescriptor
        /// Writes its own version beside it and renames it over the name (most editors' save).
        case rename
    }

    /// At every step, each kind of edit survives: the write is refused with `fileChanged` and the file
    /// holds the edit, or (only once the new bytes are in place) the write succeeds and the edit, made
    /// after it, is on top.
    @Test(arguments: PromptFileWriter.Step.allCases)
    func anEditMadeDuringTheWriteIsNeverLost(step: PromptFileWriter.Step) throws {
        for edit in Edit.allCases {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let held = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file))
            defer { try? held.close() }
            var thrown: VSynthesisError?
            do {
                try PromptFileWriter.write(Self.new, to: scratch.file, expecting: Self.old, force: false) { current in
                    guard current == step else { return }
                    switch edit {
                    case .append:
                        let handle = FileHandle(forUpdatingAtPath: scratch.file)
                        handle?.seekToEndOfFile()
                        handle?.write(Data("edit\n".utf8))
                        try? handle?.close()
                    case .heldDescriptor:
                        held.seek(toFileOffset: UInt64(Self.old.count))
                        held.write(Data("edit\n".utf8))
                    case .rename:
                        try? Data("editor\n".utf8).write(to: URL(fileURLWithPath: scratch.directory + "/editor.tmp"))
                        rename(scratch.directory + "/editor.tmp", scratch.file)
                    }
                }
            } catch {
                thrown = error
            }
            let text = String(decoding: scratch.contents(), as: UTF8.self)
            switch (edit, step) {
            case (.append, .swapped):
                #expect(thrown == nil, "\(edit) at \(step)")
                #expect(text == "new\nedit\n", "\(edit) at \(step)")
            case (.rename, .swapped):
                #expect(thrown == nil, "\(edit) at \(step)")
                #expect(text == "editor\n", "\(edit) at \(step)")
            case (.rename, _):
                #expect(thrown.map(Self.isChanged) == true, "\(edit) at \(step): \(String(describing: thrown))")
                #expect(text == "editor\n", "\(edit) at \(step): the edit was lost")
            default:
                #expect(thrown.map(Self.isChanged) == true, "\(edit) at \(step): \(String(describing: thrown))")
                #expect(text == "old\nedit\n", "\(edit) at \(step): the edit was lost")
            }
            #expect(scratch.names() == ["x.prompt"], "\(edit) at \(step)")
        }
    }

    static func isChanged(_ error: VSynthesisError) -> Bool {
        if case .fileChanged = error { true } else { false }
    }
}
