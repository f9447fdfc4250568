import Foundation
import TestSupport
import Testing
@testable import VSynthesis

/// The writer as a user who is not root, on files of other owners: what `PromptFileWriterTests`
/// cannot show as root, who may write and chown anything. The tests run as root, so the root half
/// prepares the files and runs this suite's other half in the test bundle again, as uid 4242 (with
/// `setpriv`), then checks owners, modes and inodes afterwards.
@Suite struct PromptFileWriterUnprivilegedTests {
    /// Names the prepared directory to the unprivileged half.
    static let directoryVariable = "VSYNTH_TEST_UNPRIVILEGED_DIRECTORY"
    static let user: uid_t = 4242
    static let old = Array("old\n".utf8)
    static let new = Array("new\n".utf8)
    static var preparedDirectory: String? { ProcessInfo.processInfo.environment[directoryVariable] }

    /// The files, each with its owner, group and mode before the write.
    static let files: [(name: String, owner: uid_t, group: gid_t, mode: mode_t)] = [
        ("root.prompt", 0, 0, 0o644),          // not writable by the user at all
        ("shared.prompt", 0, 4242, 0o664),     // writable through its group, owned by root
        ("readonly.prompt", 4242, 4242, 0o444), // the user's own, read-only
        ("setgid.prompt", 4242, 4242, 0o2775),  // the user's own, setgid
    ]

    @Test(.enabled(if: geteuid() == 0 && preparedDirectory == nil, "prepares files as root for the unprivileged half"))
    func writesAsAnUnprivilegedUser() throws {
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else {
            Issue.record("setpriv (util-linux) is missing: it runs the unprivileged half of this test")
            return
        }
        let directory = try TemporaryDirectory("unprivileged").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(chmod(directory, 0o777) == 0, "the user may create temporary files beside the originals")
        var inodes: [String: ino_t] = [:]
        for file in Self.files {
            let path = directory + "/" + file.name
            try Data(Self.old).write(to: URL(fileURLWithPath: path))
            #expect(chown(path, file.owner, file.group) == 0 && chmod(path, file.mode) == 0)
            inodes[file.name] = PromptFileWriterTests.status(path).st_ino
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid", "\(Self.user)", "--regid", "\(Self.user)", "--clear-groups", "--",
                             ProcessInfo.processInfo.arguments[0], "--testing-library", "swift-testing",
                             "--filter", "PromptFileWriterUnprivilegedTests"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.directoryVariable: directory]) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the unprivileged half failed:\n\(text)")
        #expect(text.contains("Test writesAsTheUnprivilegedUser() passed"), "the unprivileged half did not run:\n\(text)")

        func check(_ name: String, content: [UInt8], sameInode: Bool? = nil) {
            let path = directory + "/" + name
            let file = Self.files.first { $0.name == name }!
            let status = PromptFileWriterTests.status(path)
            #expect(FileManager.default.contents(atPath: path) == Data(content), "\(name)")
            #expect(status.st_uid == file.owner && status.st_gid == file.group, "\(name): owner \(status.st_uid):\(status.st_gid)")
            #expect(status.st_mode & 0o7777 == file.mode, "\(name): mode \(String(status.st_mode & 0o7777, radix: 8))")
            if let sameInode { #expect((status.st_ino == inodes[name]) == sameInode, "\(name)") }
        }
        check("root.prompt", content: Self.old, sameInode: true)
        check("shared.prompt", content: Self.new, sameInode: true)  // written in place: a new file could not be root's
        check("readonly.prompt", content: Self.new)
        check("setgid.prompt", content: Self.new)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == Self.files.map(\.name).sorted())
    }

    /// The half that runs as the user: the writer's answers; the root half checks the files after.
    @Test(.enabled(if: geteuid() != 0 && preparedDirectory != nil, "runs as the user, started by writesAsAnUnprivilegedUser"))
    func writesAsTheUnprivilegedUser() throws {
        let directory = try #require(Self.preparedDirectory)
        let root = directory + "/root.prompt"
        #expect(throws: VSynthesisError.fileNotWritten(path: root, message: "cannot open it for writing (Permission denied)")) {
            try PromptFileWriter.write(Self.new, to: root, expecting: Self.old)
        }
        try PromptFileWriter.write(Self.new, to: directory + "/shared.prompt", expecting: Self.old)
        let readOnly = directory + "/readonly.prompt"
        #expect(throws: VSynthesisError.fileReadOnly(path: readOnly, mode: 0o444)) {
            try PromptFileWriter.write(Self.new, to: readOnly, expecting: Self.old)
        }
        try PromptFileWriter.write(Self.new, to: readOnly, expecting: Self.old, force: true)
        try PromptFileWriter.write(Self.new, to: directory + "/setgid.prompt", expecting: Self.old)
    }
}
