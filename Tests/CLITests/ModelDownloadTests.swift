@testable import CLI
import Foundation
import TestSupport
import Testing

/// `vsynth model fetch URL` against a loopback HTTP server (Python's `http.server` with `Range`
/// support, which can end its first reply early as a dropped connection would): progress, resume
/// from the partial file with a `Range` request (also when the partial file is already whole and
/// the server answers 416), the atomic move into place, the SHA-256, and the
/// errors for a URL that names no GGUF file, a server error and a reply that is not GGUF.
@Suite(.serialized) struct ModelDownloadTests {
    /// Serves `file` at `/model.gguf` (and `/redirect/model.gguf`, a 302 to it); the first reply
    /// stops after `cut` bytes when `cut` > 0. Every request's path and Range go to `log`. It
    /// serves until its standard input closes (the test's end, or the test process's).
    static let serverScript = #"""
        import http.server, sys
        path, cut, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        data = open(path, "rb").read()
        state = {"first": True}
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def do_GET(self):
                rng = self.headers.get("Range")
                with open(log, "a") as f: f.write(f"{self.path} {rng}\n")
                if self.path == "/redirect/model.gguf":
                    self.send_response(302); self.send_header("Location", "/model.gguf")
                    self.send_header("Content-Length", "0"); self.end_headers(); return
                if self.path == "/missing.gguf":
                    self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
                if self.path == "/page.gguf":
                    body = b"<html>sign in</html>"
                    self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
                    self.wfile.write(body); return
                start = int(rng.split("=")[1].split("-")[0]) if rng else 0
                if start >= len(data):
                    body = b"<html>range not satisfiable</html>"
                    self.send_response(416); self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", str(len(body))); self.end_headers()
                    self.wfile.write(body); return
                self.send_response(206 if start else 200)
                if start: self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if state["first"] and cut:
                    state["first"] = False
                    self.wfile.write(body[:cut]); self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)
        import threading
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(server.server_address[1], flush=True)
        sys.stdin.read()
        """#

    struct Server: @unchecked Sendable {
        let process: Process
        let input = Pipe()
        let port: Int
        let log: String

        /// Starts the server and waits for its port (on a Dispatch thread: `blocking`).
        static func start(serving file: String, cut: Int, log: String) async throws -> Server {
            try await blocking { try Server(serving: file, cut: cut, log: log) }
        }

        private init(serving file: String, cut: Int, log: String) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", ModelDownloadTests.serverScript, file, String(cut), log]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = input
            try process.run()
            var line = Data()
            while let byte = try pipe.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
                line += byte
            }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
            self.log = log
        }

        func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
        var requests: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        /// Closes the server's standard input, which ends it.
        func stop() { try? input.fileHandleForWriting.close() }
    }

    /// A GGUF-looking file of `size` bytes (the magic, then seeded bytes).
    static func makeFile(at path: String, size: Int) throws -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while bytes.count < size {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return bytes
    }

    @Test func anInterruptedDownloadResumesWithARangeRequestAndLandsAtomically() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let source = root.path + "/source.gguf"
        let bytes = try Self.makeFile(at: source, size: 3 << 20)
        let server = try await Server.start(serving: source, cut: 1 << 20, log: root.path + "/requests.log")
        defer { server.stop() }
        let models = root.path + "/models"
        let download = ModelDownload(url: try ModelDownload.checked(server.url("/redirect/model.gguf")), directory: models)
        #expect(download.fileName == "model.gguf")

        // First run: the connection drops after 1 MiB; the bytes stay in the partial file, nothing is in place.
        do {
            _ = try await download.run { _ in }
            Issue.record("the cut download succeeded")
        } catch let CLIError.downloadFailed(_, _, partial, kept) {
            #expect(partial == download.partial)
            #expect(kept == 1 << 20)
        }
        #expect(!FileManager.default.fileExists(atPath: download.target))
        #expect((try FileManager.default.attributesOfItem(atPath: download.partial)[.size] as? Int) == 1 << 20)

        // Second run: resumes from byte 1 MiB (206), and the whole file lands in place.
        let result = try await download.run { _ in }
        #expect(result == ModelDownload.Result(path: download.target, sha256: SHA256.hex(of: bytes), bytes: bytes.count,
                                               resumedFrom: 1 << 20))
        #expect(try Data(contentsOf: URL(fileURLWithPath: download.target)) == Data(bytes))
        #expect(!FileManager.default.fileExists(atPath: download.partial))
        #expect(server.requests == ["/redirect/model.gguf None", "/model.gguf None",
                                    "/redirect/model.gguf bytes=1048576-", "/model.gguf bytes=1048576-"])
    }

    /// A run that got every byte but stopped before the move leaves a whole partial file: the
    /// server answers the resume with 416 and the file's size, and the fetch finishes from what is
    /// on disk (size checked, SHA-256 of the bytes, moved into place), leaving the error page out.
    /// A partial file longer than the server's file is a clear error, and stays for the user to see.
    @Test func aPartialFileThatIsAlreadyWholeFinishesOnA416() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let source = root.path + "/source.gguf"
        let bytes = try Self.makeFile(at: source, size: 1 << 20)
        let server = try await Server.start(serving: source, cut: 0, log: root.path + "/requests.log")
        defer { server.stop() }
        let download = ModelDownload(url: try ModelDownload.checked(server.url("/model.gguf")), directory: root.path + "/models")
        try FileManager.default.createDirectory(atPath: download.directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: download.partial))

        let result = try await download.run { _ in }
        #expect(result == ModelDownload.Result(path: download.target, sha256: SHA256.hex(of: bytes), bytes: bytes.count,
                                               resumedFrom: bytes.count))
        #expect(try Data(contentsOf: URL(fileURLWithPath: download.target)) == Data(bytes))
        #expect(!FileManager.default.fileExists(atPath: download.partial))
        #expect(server.requests == ["/model.gguf bytes=1048576-"])

        // A partial file longer than the server's: an error naming both sizes; the bytes stay.
        try Data(bytes + [1, 2, 3]).write(to: URL(fileURLWithPath: download.partial))
        let other = ModelDownload(url: try ModelDownload.checked(server.url("/other.gguf")), directory: download.directory)
        try FileManager.default.moveItem(atPath: download.partial, toPath: other.partial)
        do {
            _ = try await other.run { _ in }
            Issue.record("a longer partial file was installed")
        } catch let CLIError.downloadFailed(_, reason, partial, kept) {
            #expect(reason.contains("HTTP 416") && reason.contains("\(bytes.count + 3) bytes")
                    && reason.contains("\(bytes.count) bytes"), "\(reason)")
            #expect(partial == other.partial && kept == bytes.count + 3)
        }
        #expect(!FileManager.default.fileExists(atPath: other.target))
    }

    @Test func badURLsServerErrorsAndNonGGUFRepliesAreClearErrors() async throws {
        #expect(throws: CLIError.badDownloadURL(url: "ftp://x/m.gguf", reason: "not an http(s) URL with a host")) {
            _ = try ModelDownload.checked("ftp://x/m.gguf")
        }
        #expect(throws: CLIError.self) { _ = try ModelDownload.checked("https://huggingface.co/org/model/blob/main/README.md") }

        let root = try TemporaryDirectory()
        defer { root.remove() }
        let source = root.path + "/source.gguf"
        _ = try Self.makeFile(at: source, size: 1024)
        let server = try await Server.start(serving: source, cut: 0, log: root.path + "/requests.log")
        defer { server.stop() }
        let models = root.path + "/models"
        do {
            _ = try await ModelDownload(url: try ModelDownload.checked(server.url("/missing.gguf")), directory: models).run { _ in }
            Issue.record("a 404 succeeded")
        } catch let error as CLIError {
            #expect(error.description.contains("HTTP 404"), "\(error)")
        }
        do {
            _ = try await ModelDownload(url: try ModelDownload.checked(server.url("/page.gguf")), directory: models).run { _ in }
            Issue.record("an HTML page was installed as a model")
        } catch let error as CLIError {
            #expect(error.description.contains("not GGUF"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: models).filter { !$0.hasPrefix(".") }.isEmpty)
    }
}
