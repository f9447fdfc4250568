import CLI
import Foundation
import TestSupport
import Testing

/// SHA-256 against the FIPS 180-4 / NIST example vectors and a table made with Python's hashlib.
struct SHA256Tests {
    @Test("NIST example vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func nistVectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test("one million 'a' (NIST long message), fed in uneven pieces")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var hasher = SHA256()
        var offset = 0
        var step = 1
        while offset < message.count {
            let end = min(offset + step, message.count)
            message[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            step = step * 3 % 1000 + 1
        }
        #expect(SHA256.hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("every length 0...300 matches hashlib, one-shot and split in two")
    func lengthsAgainstHashlib() throws {
        let table = try Self.lengthTable()
        #expect(table.count == 301)
        for (length, expected) in table {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            #expect(SHA256.hex(of: message) == expected, "length \(length)")
            let split = length / 3
            var hasher = SHA256()
            message[..<split].withUnsafeBytes { hasher.update($0) }
            message[split...].withUnsafeBytes { hasher.update($0) }
            #expect(SHA256.hexString(hasher.finalize()) == expected, "length \(length) split at \(split)")
        }
    }

    @Test("a file hashes like its bytes")
    func fileHash() throws {
        // Just over one 4 MiB read chunk, so the file is read in two pieces.
        let message = (0..<(4 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vsynth-sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(message).write(to: URL(fileURLWithPath: path))
        var reported = 0
        let digest = try SHA256.hexOfFile(atPath: path) { reported = $0 }
        #expect(digest == SHA256.hex(of: message))
        #expect(reported == message.count)
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        #expect(throws: CLIError.cannotRead(path: "/nonexistent/vsynth.bin", reason: "No such file or directory")) {
            _ = try SHA256.hexOfFile(atPath: "/nonexistent/vsynth.bin")
        }
    }

    /// `length digest` lines of Fixtures/sha256-lengths.txt.
    static func lengthTable() throws -> [(Int, String)] {
        let url = TestFiles.fixtures().appendingPathComponent("sha256-lengths.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2, let length = Int(fields[0]) else { return nil }
            return (length, String(fields[1]))
        }
    }
}
