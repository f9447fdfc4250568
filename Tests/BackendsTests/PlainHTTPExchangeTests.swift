import Foundation
import Testing
@testable import Backends

/// The socket transport for plain http:// against fake servers on loopback: what URLSession did
/// before (cancellation, a server that dies mid-reply, chunked and close-delimited bodies) still holds.
@Suite struct PlainHTTPExchangeTests {
    static func client(_ server: FakeHTTPServer) -> HTTPClient {
        HTTPClient(configuration: BackendConfiguration(kind: .openai, baseURL: server.url, requestTimeout: 20, maxRetries: 0))
    }

    /// Cancelling the awaiting task ends the request at once with `CancellationError`.
    @Test func cancellationEndsTheRequest() async throws {
        let server = try FakeHTTPServer { _ in .stall(first: 1, hold: 10) }
        let client = Self.client(server)
        let task = Task { try await client.get("/v1/models") }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let result = await task.result
        // CancellationError (not the server's reply after its 10 s hold, nor the 20 s limit) shows the
        // cancel ended it; no wall-clock bound, since parallel synchronous suites can hold the
        // two-thread cooperative pool for long.
        guard case let .failure(error) = result else { Issue.record("a cancelled request succeeded"); return }
        #expect(error is CancellationError, "\(error)")
    }

    /// A reply cut short is `connectionLost`, never a truncated body parsed as a reply.
    @Test func truncatedReplyIsConnectionLost() async throws {
        let server = try FakeHTTPServer { _ in .truncated(announced: 100, sent: 10) }
        await #expect {
            _ = try await Self.client(server).get("/v1/models")
        } throws: { error in
            guard case let .connectionLost(url, _)? = error as? BackendError else { return false }
            return url == "http://127.0.0.1:\(server.port)/v1/models"
        }
    }

    /// Request head and body as a server sees them, and a JSON reply read back whole.
    @Test func postRoundTrip() async throws {
        let server = try FakeHTTPServer { request in .json(["echo": request.json?["prompt"] ?? "missing", "path": request.path]) }
        let reply = try await Self.client(server).post("/v1/completions?x=1", ["prompt": "héllo"])
        #expect(try reply["echo"].string() == "héllo")
        #expect(try reply["path"].string() == "/v1/completions?x=1")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
        #expect(request.headers["content-length"] == String(request.body.count))
        #expect(request.headers["authorization"] == nil)
    }
}
