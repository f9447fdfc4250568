import Foundation
import LanguageModel
import Testing
@testable import Backends

/// Generation through `/v1/chat/completions`: the rendered prompt is split back into messages.
@Suite(.serialized) struct ChatCompletionsTests {
    @Test func transcriptSplitsChatMLTurns() throws {
        let prompt = ChatTemplate.chatML.systemTurn("Be brief.") + ChatTemplate.chatML.userTurn("Hi <b>\nthere")
            + ChatTemplate.chatML.assistantTurn("Hello.") + ChatTemplate.chatML.userTurn("Again")
            + ChatTemplate.chatML.assistantPrefix
        let transcript = try #require(ChatTranscript(prompt: prompt, template: .chatML))
        #expect(transcript.messages == [
            .init(role: "system", content: "Be brief."), .init(role: "user", content: "Hi <b>\nthere"),
            .init(role: "assistant", content: "Hello."), .init(role: "user", content: "Again"),
        ])
    }

    @Test func transcriptRejectsOtherShapes() {
        let template = ChatTemplate.chatML
        #expect(ChatTranscript(prompt: "plain text", template: template) == nil)
        #expect(ChatTranscript(prompt: template.userTurn("no open assistant turn"), template: template) == nil)
        #expect(ChatTranscript(prompt: template.userPrefix + "unterminated", template: template) == nil)
        #expect(ChatTranscript(prompt: template.assistantPrefix, template: template) == nil)
    }

    /// Greedy generation through the chat endpoint gives llama.cpp's greedy text for the same turns.
    @Test func chatGenerationMatchesLlamaCpp() async throws {
        guard let url = TestServer.url() else { return }
        var configuration = TestServer.configuration(url)
        configuration.useChatCompletions = true
        let backend = try await OpenAIBackend.connect(configuration)
        let expected = try #require(try LlamaCppReference.load().generate.first)
        let generation = try await backend.generate(prompt: expected.prompt,
                                                    options: GenerationOptions(maxTokens: expected.ids.count, temperature: 0))
        #expect(generation.text == expected.text)
        #expect(generation.finishReason == .length)
        await #expect(throws: BackendError.self) {
            _ = try await backend.generate(prompt: "not a chat prompt", options: GenerationOptions(maxTokens: 2))
        }
    }
}
