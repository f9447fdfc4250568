import Foundation
import LanguageModel
import Testing
@testable import Backends

/// Roles from settings or the CLI become one model, a split model, or an early error.
@Suite(.serialized) struct ModelRolesTests {
    @Test func oneBackendForBothRolesConnectsOnce() async throws {
        guard let url = TestServer.url() else { return }
        let model = try await ModelRoles.single(TestServer.configuration(url)).resolve {
            Issue.record("the embedded model is not needed when both roles are remote")
            throw BackendError.invalidConfiguration("not needed")
        }
        #expect(model is OpenAIBackend)
        #expect(model.identity.backend == "openai")
    }

    /// A remote generator with the scorer role left to the "embedded" model (here a second server
    /// stands in for it, since this branch has no engine) gives a split model naming both.
    @Test func remoteGeneratorWithLocalScorerIsSplit() async throws {
        guard let url = TestServer.url(), let keyURL = TestServer.url("VSYNTH_TEST_OPENAI_KEY_URL") else { return }
        let model = try await ModelRoles(generator: TestServer.configuration(url)).resolve {
            try await OpenAIBackend.connect(TestServer.configuration(keyURL, apiKeyVariable: "VSYNTH_TEST_OPENAI_KEY"))
        }
        let split = try #require(model as? SplitLanguageModel)
        #expect((split.generator as? OpenAIBackend)?.client.root == url.absoluteString)
        #expect((split.scorer as? OpenAIBackend)?.client.root == keyURL.absoluteString)
    }

    /// A scorer that cannot score is refused before any work starts.
    @Test func scorerThatCannotScoreIsRefused() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.kind = .llamaServer
        configuration.maxRetries = 0
        await #expect {
            _ = try await ModelRoles(scorer: configuration).resolve { throw BackendError.invalidConfiguration("not needed") }
        } throws: { error in
            guard case .unsupported("llama-server", "score (the scorer role)", _)? = error as? BackendError else { return false }
            return true
        }
    }
}
