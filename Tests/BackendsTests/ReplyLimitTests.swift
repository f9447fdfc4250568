import Foundation
import TestSupport
import Testing
@testable import Backends

/// Replies are bounded in size and time: a huge body or an endless stream ends at the size limit
/// without being held in memory, a stalled reply at the idle limit, a trickle at the request limit.
@Suite(.serialized) struct ReplyLimitTests {
    static func client(_ server: FakeHTTPServer, limit: Int = 8 << 20, timeout: Double = 30,
                       idle: Double = 30) -> HTTPClient {
        HTTPClient(configuration: BackendConfiguration(kind: .openai, baseURL: server.url, requestTimeout: timeout,
                                                       idleTimeout: idle, maxReplyBytes: limit, maxRetries: 0))
    }

    static func isTooLarge(_ error: any Error, limit: Int) -> Bool {
        guard case .replyTooLarge(let url, limit)? = error as? BackendError else { return false }
        return url.hasSuffix("/v1/models") && "\(error)".contains("larger than \(limit >> 20) MiB")
            && "\(error)".contains("max_reply_mib")
    }

    /// 100 MB announced and sent: closed at the 8 MiB limit, memory growth far below the body.
    @Test func hugeBodyEndsAtTheLimit() async throws {
        try await Self.endsAtTheLimit(.large(bytes: 100_000_000))
    }

    /// A chunked reply that never ends: closed at the limit within seconds, memory bounded.
    @Test func endlessChunkedReplyEndsAtTheLimit() async throws {
        try await Self.endsAtTheLimit(.endlessChunked)
    }

    /// `reply` against an 8 MiB limit: `replyTooLarge`, not `timedOut` at the 20 s request limit (the
    /// error says which limit ended it; no wall-clock bound, since parallel synchronous suites can
    /// hold the two-thread cooperative pool for long). Then the memory: `vsynth backend check` in a
    /// child process of its own, against this reply and against a tiny one, peak resident memory
    /// less than 2× the limit apart (the old client took 191 MiB for the 100 MB body, and GBs
    /// for the stream). A child process because this one's memory moves with whatever the suites
    /// running in parallel allocate: measured in here it grew by 40 MB with no fault of the client.
    static func endsAtTheLimit(_ reply: FakeHTTPServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let limit = 8 << 20
        let server = try FakeHTTPServer { _ in reply }
        let client = Self.client(server, limit: limit, timeout: 20)
        let result = await Result(awaiting: { try await client.get("/v1/models") })
        guard case let .failure(error) = result else {
            Issue.record("the reply was accepted", sourceLocation: sourceLocation)
            return
        }
        #expect(Self.isTooLarge(error, limit: limit), "\(error)", sourceLocation: sourceLocation)

        let tiny = try FakeHTTPServer { _ in .text(status: 200, body: "not JSON") }
        let baseline = try await Self.checkInChild(tiny), large = try await Self.checkInChild(server)
        #expect(baseline.status == 1 && baseline.stderr.contains("is not JSON"), "\(baseline.stderr)", sourceLocation: sourceLocation)
        #expect(large.status == 1 && large.stderr.contains("larger than 8 MiB"), "\(large.stderr)", sourceLocation: sourceLocation)
        #expect(baseline.peak > 0, "no peak resident memory reported", sourceLocation: sourceLocation)
        #expect(large.peak - baseline.peak < 2 * limit,
                "peak resident memory \(large.peak >> 20) MiB against \(baseline.peak >> 20) MiB for a tiny reply, for an 8 MiB limit",
                sourceLocation: sourceLocation)
    }

    /// `vsynth backend check` against `server` with an 8 MiB limit, in a process of its own, and that
    /// process's peak resident memory. python3 starts it and reads its `ru_maxrss`: a child started
    /// straight from this process shares this process's memory until its exec, and Linux counts that
    /// memory's high-water mark in the child's (so its peak read as this test process's, hundreds of MB).
    static func checkInChild(_ server: FakeHTTPServer) async throws -> (status: Int32, stderr: String, peak: Int) {
        let binary = try #require(VSynthBinary.path, "no vsynth executable found; run 'swift build'")
        let script = """
            import json, resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
            print(json.dumps({"status": r.returncode, "stderr": r.stderr,
                              "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
            """
        let arguments = ["python3", "-c", script, binary, "backend", "check",
                         "\(server.url.absoluteString)?max_reply_mib=8&retries=0&timeout=20"]
        let output = try await blocking { () -> Data in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        let reply = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any], "python3 printed \(String(decoding: output, as: UTF8.self))")
        return (Int32(reply["status"] as? Int ?? -1), reply["stderr"] as? String ?? "", reply["peak"] as? Int ?? 0)
    }

    /// The limit is settable in the backend spec.
    @Test func limitFromTheSpec() async throws {
        let server = try FakeHTTPServer { _ in .large(bytes: 3 << 20) }
        let configuration = try BackendConfiguration(spec: "http://127.0.0.1:\(server.port)?max_reply_mib=2&retries=0")
        #expect(configuration.maxReplyBytes == 2 << 20)
        await #expect {
            _ = try await HTTPClient(configuration: configuration).get("/v1/models")
        } throws: { Self.isTooLarge($0, limit: 2 << 20) }
        #expect(BackendConfiguration(kind: .openai, baseURL: server.url).maxReplyBytes == 64 << 20)
    }

    /// A reply that starts and then stops sending: `stalled` after the idle limit, not the request limit.
    @Test func stalledReplyEndsAtTheIdleLimit() async throws {
        let server = try FakeHTTPServer { _ in .stall(first: 10, hold: 20) }
        let client = Self.client(server, timeout: 20, idle: 0.5)
        await #expect {
            _ = try await client.get("/v1/models")
        } throws: { error in
            guard case .stalled(_, 0.5)? = error as? BackendError else { return false }
            return "\(error)".contains("no data for 0.5 s")
        }
    }

    /// A byte every 50 ms keeps the idle limit happy forever: the request limit ends it.
    @Test func tricklingReplyEndsAtTheRequestLimit() async throws {
        let server = try FakeHTTPServer { _ in .trickle(interval: 0.05) }
        let client = Self.client(server, timeout: 1, idle: 0.5)
        await #expect {
            _ = try await client.get("/v1/models")
        } throws: { error in
            guard case .timedOut(_, 1)? = error as? BackendError else { return false }
            return true
        }
    }
}

extension Result where Failure == any Error {
    init(awaiting body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// A connect that never completes (a listener whose accept queue is full drops new connections'
/// SYNs, as a firewalled address does) ends at `connectTimeout`, not at the request limit.
@Suite struct ConnectTimeoutTests {
    @Test func hangingConnectEndsAtTheConnectLimit() async throws {
        let listener = try FullListener()
        defer { listener.close() }
        let configuration = try BackendConfiguration(spec: "http://127.0.0.1:\(listener.port)?connect_timeout=0.5&timeout=20&retries=0")
        await #expect {
            _ = try await HTTPClient(configuration: configuration).get("/v1/models")
        } throws: { error in
            guard case let .connectionRefused(_, detail)? = error as? BackendError else { return false }
            return detail.contains("no connection within 0.5 s")
        }
    }
}
