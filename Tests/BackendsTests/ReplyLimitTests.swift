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
    /// (`wait4`) less than 2× the limit apart (the old client took 191 MiB for the 100 MB body, and GBs
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
        func check(_ server: FakeHTTPServer) async throws -> VSynthBinary.Result {
            try await VSynthBinary.run(["backend", "check", "\(server.url.absoluteString)?max_reply_mib=8&retries=0&timeout=20"],
                                       sourceLocation: sourceLocation)
        }
        let baseline = try await check(tiny), large = try await check(server)
        #expect(baseline.status == 1 && baseline.stderr.contains("is not JSON"), "\(baseline.stderr)", sourceLocation: sourceLocation)
        #expect(large.status == 1 && large.stderr.contains("larger than 8 MiB"), "\(large.stderr)", sourceLocation: sourceLocation)
        let growth = large.peakResidentBytes - baseline.peakResidentBytes
        #expect(baseline.peakResidentBytes > 0, "wait4 reported no resident memory", sourceLocation: sourceLocation)
        #expect(growth < 2 * limit, "peak resident memory \(large.peakResidentBytes >> 20) MiB against \(baseline.peakResidentBytes >> 20) MiB for a tiny reply, for an 8 MiB limit",
                sourceLocation: sourceLocation)
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
