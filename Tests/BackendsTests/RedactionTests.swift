import Foundation
import Testing
@testable import Backends

/// A key written into a backend URL (`http://user:key@host`) never appears in an error, a
/// description, the capabilities or the model identity that the CLI and the daemon print.
@Suite struct RedactionTests {
    static let secret = "s3cret-key-in-url"

    @Test func redactsUserinfoInAnyText() {
        #expect(Redaction.redact("http://u:\(Self.secret)@h:1/v1") == "http://***@h:1/v1")
        #expect(Redaction.redact("see 'ollama+https://k@gpu:11434?model=m' and http://a:b@c") == "see 'ollama+https://***@gpu:11434?model=m' and http://***@c")
        #expect(Redaction.redact("http://u:p@ss@h/x") == "http://***@h/x")
        #expect(Redaction.redact("http://h:1/v1?who=a@b") == "http://h:1/v1?who=a@b")
        #expect(Redaction.redact("mail me: a@b.c") == "mail me: a@b.c")
    }

    @Test func connectionErrorsDoNotShowTheKey() async throws {
        let configuration = try BackendConfiguration(spec: "http://user:\(Self.secret)@127.0.0.1:9?retries=0")
        await #expect {
            _ = try await Backend.connect(configuration)
        } throws: { error in
            let message = "\(error)"
            return !message.contains(Self.secret) && message.contains("127.0.0.1:9")
        }
        #expect(!"\(configuration)".contains(Self.secret))
        #expect("\(configuration)".contains("***@127.0.0.1:9"))
    }

    @Test func specErrorsDoNotShowTheKey() {
        for spec in ["http://user:\(Self.secret)@h:1?timeout=soon", "http://user:\(Self.secret)@h:1?nope=1",
                     "vllm+http://user:\(Self.secret)@h:1", "generate=http://u:\(Self.secret)@h:1 rank=x"] {
            #expect {
                _ = try ModelRoles(spec: spec)
            } throws: { error in
                !"\(error)".contains(Self.secret) && !String(reflecting: error).contains(Self.secret)
            }
        }
    }

    /// What `vsynth backend check` and the daemon print about a connected backend.
    @Test func capabilitiesAndIdentityDoNotShowTheKey() async throws {
        let server = try FakeHTTPServer { request in
            switch request.path {
            case "/v1/models": .json(["data": [["id": "fake-model"]]])
            case "/v1/completions": .json(["choices": [["text": "x", "finish_reason": "length"]]])
            default: .text(status: 404, body: #"{"error": "not found"}"#)
            }
        }
        let configuration = try BackendConfiguration(spec: "http://user:\(Self.secret)@127.0.0.1:\(server.port)?retries=0")
        let backend = try await Backend.connect(configuration)
        let capabilities = await backend.capabilities()
        let encoded = String(decoding: try JSONEncoder().encode(capabilities), as: UTF8.self)
        for text in [capabilities.summary, encoded, "\(backend.identity)", backend.identity.revision] {
            #expect(!text.contains(Self.secret), "\(text)")
        }
        #expect(capabilities.url == "http://127.0.0.1:\(server.port)")
    }
}
