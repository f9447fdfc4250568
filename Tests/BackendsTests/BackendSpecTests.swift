import Foundation
import Testing
@testable import Backends

/// One-string backend and role specs, as settings and the CLI give them.
@Suite struct BackendSpecTests {
    @Test func plainURLIsOpenAI() throws {
        let configuration = try BackendConfiguration(spec: "http://127.0.0.1:8000", model: "m")
        #expect(configuration.kind == .openai)
        #expect(configuration.baseURL.absoluteString == "http://127.0.0.1:8000")
        #expect(configuration.model == "m")
        #expect(configuration.apiKeyVariable == nil)
    }

    @Test func kindAndOptions() throws {
        let configuration = try BackendConfiguration(
            spec: "ollama+http://gpu:11434?model=llama3&api_key_env=KEY&timeout=30&concurrency=8&retries=1&chat=1",
            model: "ignored")
        #expect(configuration.kind == .ollama)
        #expect(configuration.baseURL.absoluteString == "http://gpu:11434")
        #expect(configuration.model == "llama3")
        #expect(configuration.apiKeyVariable == "KEY")
        #expect(configuration.requestTimeout == 30)
        #expect(configuration.concurrency == 8)
        #expect(configuration.maxRetries == 1)
        #expect(configuration.useChatCompletions)
        #expect(try BackendConfiguration(spec: "llama-server+https://h/v1").kind == .llamaServer)
    }

    @Test func badSpecsNameWhatIsWrong() {
        #expect(throws: BackendError.invalidConfiguration("unknown backend 'vllm'; expected one of: openai, llama-server, ollama")) {
            _ = try BackendConfiguration(spec: "vllm+http://h:1")
        }
        #expect(throws: BackendError.invalidConfiguration("unknown option 'key' in backend 'http://h:1?key=x'; known: model, api_key_env, timeout, connect_timeout, idle_timeout, max_reply_mib, concurrency, retries, chat")) {
            _ = try BackendConfiguration(spec: "http://h:1?key=x")
        }
        #expect(throws: BackendError.invalidConfiguration("'timeout=soon' in backend 'http://h:1?timeout=soon' needs a number in 0.1...86400.0")) {
            _ = try BackendConfiguration(spec: "http://h:1?timeout=soon")
        }
        #expect(throws: BackendError.self) { _ = try BackendConfiguration(spec: "localhost:8000") }
        #expect(throws: BackendError.self) { _ = try BackendConfiguration(spec: "") }
    }

    @Test func roles() throws {
        #expect(try ModelRoles(spec: "embedded") == ModelRoles())
        let single = try ModelRoles(spec: "http://h:1")
        #expect(single.generator == single.scorer && single.generator?.kind == .openai)
        let split = try ModelRoles(spec: "generate=ollama+http://h:11434?model=llama3 score=embedded")
        #expect(split.generator?.kind == .ollama && split.generator?.model == "llama3")
        #expect(split.scorer == nil)
        let scoreOnly = try ModelRoles(spec: "score=http://vllm:8000", model: "Qwen/Qwen2.5-7B-Instruct")
        #expect(scoreOnly.generator == nil && scoreOnly.scorer?.model == "Qwen/Qwen2.5-7B-Instruct")
        #expect(throws: BackendError.self) { _ = try ModelRoles(spec: "generate=http://h:1 rank=http://h:2") }
        #expect(throws: BackendError.self) { _ = try ModelRoles(spec: "http://h:1 http://h:2") }
    }
}
