import Foundation
import Testing
@testable import Backends

/// Redirects never carry credentials to another origin, and a POST is never silently turned into a
/// GET without its body. Two fake servers on loopback: the configured one redirects, the other
/// records what reached it.
@Suite struct RedirectTests {
    static let keyVariable = "VSYNTH_TEST_REDIRECT_KEY"
    static let key = "sk-redirect-test-secret-7f3a"

    static func client(_ url: URL, apiKeyVariable: String? = keyVariable) -> HTTPClient {
        setenv(keyVariable, key, 1)
        return HTTPClient(configuration: BackendConfiguration(kind: .openai, baseURL: url, apiKeyVariable: apiKeyVariable,
                                                              requestTimeout: 10, maxRetries: 0))
    }

    /// 301, 302 and 307 from the configured server to another port: refused with a clear error,
    /// and the other server receives nothing (so neither the key nor the prompt).
    @Test(arguments: [301, 302, 307, 308])
    func crossOriginRedirectIsRefused(status: Int) async throws {
        let elsewhere = try FakeHTTPServer { _ in .json(["ok": true]) }
        let target = elsewhere.url.absoluteString + "/v1/completions"
        let server = try FakeHTTPServer { _ in .redirect(status, to: target) }
        let client = Self.client(server.url)
        await #expect {
            _ = try await client.post("/v1/completions", ["prompt": "secret prompt", "max_tokens": 1])
        } throws: { error in
            guard case let .redirectRefused(_, got, location, _)? = error as? BackendError else { return false }
            let message = "\(error)"
            return got == status && location == target && message.contains("another origin")
                && message.contains(target) && !message.contains(Self.key)
        }
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.headers["authorization"] == "Bearer \(Self.key)")
        #expect(elsewhere.requests.isEmpty, "the redirect target received \(elsewhere.requests.map { $0.headers })")
    }

    /// Another host on the same port is another origin too (`localhost` is not `127.0.0.1` by name).
    @Test func redirectToAnotherHostNameIsRefused() async throws {
        let server = try FakeHTTPServer { request in
            .redirect(307, to: "http://localhost:\(request.headers["host"]?.split(separator: ":").last ?? "0")/v1/models")
        }
        await #expect {
            _ = try await Self.client(server.url).get("/v1/models")
        } throws: { error in
            guard case .redirectRefused? = error as? BackendError else { return false }
            return true
        }
        #expect(server.requests.count == 1)
    }

    /// A 307 (or 308) to the same origin is followed with the same method, body and key.
    @Test(arguments: [307, 308])
    func sameOrigin307KeepsMethodAndBody(status: Int) async throws {
        let server = try FakeHTTPServer { request in
            request.path == "/v1/completions" ? .redirect(status, to: "/v1/completions-moved")
                                              : .json(["choices": [["text": "moved"]]])
        }
        let reply = try await Self.client(server.url).post("/v1/completions", ["prompt": "keep me", "max_tokens": 1])
        #expect(try reply["choices"].array()[0]["text"].string() == "moved")
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[1].method == "POST")
        #expect(requests[1].path == "/v1/completions-moved")
        #expect(requests[1].body == requests[0].body)
        #expect(requests[1].json?["prompt"] as? String == "keep me")
        #expect(requests[1].headers["authorization"] == "Bearer \(Self.key)")
    }

    /// A 301/302/303 of a POST would become a GET without the body: refused, naming why.
    @Test(arguments: [301, 302, 303])
    func sameOriginPostRedirectThatDropsTheBodyFails(status: Int) async throws {
        let server = try FakeHTTPServer { request in
            request.path == "/v1/completions" ? .redirect(status, to: "/elsewhere") : .json(["ok": true])
        }
        await #expect {
            _ = try await Self.client(server.url).post("/v1/completions", ["prompt": "p"])
        } throws: { error in
            guard case .redirectRefused(_, status, _, let reason)? = error as? BackendError else { return false }
            return reason.contains("GET")
        }
        #expect(server.requests.count == 1)
    }

    /// A GET redirected within its origin is followed (a server that moved its API under a prefix).
    @Test func sameOriginGetRedirectIsFollowed() async throws {
        let server = try FakeHTTPServer { request in
            request.path == "/v1/models" ? .redirect(301, to: "/api/v1/models") : .json(["data": [["id": "m"]]])
        }
        let reply = try await Self.client(server.url).get("/v1/models")
        #expect(try reply["data"].array()[0]["id"].string() == "m")
        #expect(server.requests.map(\.path) == ["/v1/models", "/api/v1/models"])
        #expect(server.requests.last?.headers["authorization"] == "Bearer \(Self.key)")
    }

    /// Credentials written into the URL go to their own origin (as HTTP Basic), never to a redirect target.
    @Test func urlCredentialsStayWithTheirOrigin() async throws {
        let elsewhere = try FakeHTTPServer { _ in .json(["ok": true]) }
        let server = try FakeHTTPServer { _ in .redirect(307, to: elsewhere.url.absoluteString + "/v1/models") }
        let url = try #require(URL(string: "http://alice:hunter2@127.0.0.1:\(server.port)"))
        await #expect(throws: BackendError.self) {
            _ = try await Self.client(url, apiKeyVariable: nil).get("/v1/models")
        }
        #expect(server.requests.first?.headers["authorization"] == "Basic " + Data("alice:hunter2".utf8).base64EncodedString())
        #expect(elsewhere.requests.isEmpty)
    }
}
