import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Backends

extension ReplyLimitTests {
    /// The URLSession path (`HTTPExchange`, used for https://) run over plain HTTP against fake servers
    /// on loopback (no TLS server here): on this platform's Foundation (swift-corelibs-foundation on
    /// Linux) the delegate really stops redirects before anything reaches the target, and the size,
    /// idle and cancellation limits end the exchange. Nested in `ReplyLimitTests`, whose `.serialized`
    /// keeps the two apart: corelibs reads on past the limit (up to 170 MB here), which would count in
    /// the other suite's memory bound.
    @Suite struct URLSessionExchangeTests {
        static func run(_ server: FakeHTTPServer, path: String = "/v1/models", method: String = "GET",
                        limit: Int = 8 << 20, idle: Double = 30) async throws -> HTTPExchange.Reply {
            var configuration = BackendConfiguration(kind: .openai, baseURL: server.url, requestTimeout: 20, idleTimeout: idle,
                                                     maxReplyBytes: limit)
            configuration.maxRetries = 0
            let url = server.url.appendingPathComponent(path)
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.httpBody = method == "POST" ? Data(#"{"prompt": "p"}"#.utf8) : nil
            request.setValue("Bearer key", forHTTPHeaderField: "Authorization")
            // A session of its own (HTTPClient.makeSession): a test that corelibs' session got into
            // a bad state (endlessBodyIsRefused's known issue) once made the next test's exchange fail
            // with "lost the connection" on the shared one. finishTasksAndInvalidate lets a task the
            // exchange failed to stop run on, so the idle checks below still see it.
            let delegate = SessionDelegate()
            let session = HTTPClient.makeSession(delegate: delegate)
            defer { session.finishTasksAndInvalidate() }
            return try await HTTPExchange(limits: ExchangeLimits(url: url.absoluteString, configuration: configuration))
                .run(request, on: session, delegate: delegate)
        }

        @Test(arguments: [301, 302, 307, 308])
        func redirectComesBackUnfollowed(status: Int) async throws {
            let elsewhere = try FakeHTTPServer { _ in .json(["ok": true]) }
            let server = try FakeHTTPServer { _ in .redirect(status, to: elsewhere.url.absoluteString + "/x") }
            let reply = try await Self.run(server, method: "POST")
            #expect(reply.response.statusCode == status)
            #expect(reply.response.value(forHTTPHeaderField: "Location") == elsewhere.url.absoluteString + "/x")
            #expect(elsewhere.requests.isEmpty)
        }

        @Test func oversizedBodyIsRefused() async throws {
            let server = try FakeHTTPServer { _ in .large(bytes: 20 << 20) }
            await #expect(throws: BackendError.replyTooLarge(url: server.url.absoluteString + "/v1/models", limit: 1 << 20)) {
                _ = try await Self.run(server, limit: 1 << 20)
            }
            // No wall-clock bound (the suite shares 2 cores with the model tests): a client that kept
            // reading would keep the fake server's connection open for good.
            #expect(await server.waitUntilIdle(timeout: 60), "the client kept reading after the limit")
        }

        @Test func endlessBodyIsRefused() async throws {
            let server = try FakeHTTPServer { _ in .endlessChunked }
            await #expect(throws: BackendError.replyTooLarge(url: server.url.absoluteString + "/v1/models", limit: 1 << 20)) {
                _ = try await Self.run(server, limit: 1 << 20)
            }
            // No wall-clock bound (the suite shares 2 cores with the model tests): a client that kept
            // reading would keep the fake server's connection open for good. Known to fail now and then
            // on a loaded CI machine: swift-corelibs-foundation sometimes keeps a cancelled chunked
            // transfer's connection open past the minute (the exchange drops what still arrives, so
            // memory stays bounded). Cancelling again on late data, or refusing the body in the
            // response disposition, made it worse: corelibs then lost later tasks of the session.
            await withKnownIssue("corelibs can keep a cancelled chunked transfer open", isIntermittent: true) {
                #expect(await server.waitUntilIdle(timeout: 60), "the client kept reading after the limit")
            }
        }

        @Test func stallIsRefused() async throws {
            let server = try FakeHTTPServer { _ in .stall(first: 10, hold: 10) }
            await #expect(throws: BackendError.stalled(url: server.url.absoluteString + "/v1/models", seconds: 0.5)) {
                _ = try await Self.run(server, idle: 0.5)
            }
        }
    }
}
