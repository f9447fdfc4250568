import Foundation
import LanguageModel

/// llama.cpp's own server (`llama-server`): `/tokenize` and `/completion`.
///
/// Generation and tokenization work. Scoring is reported as unsupported: llama-server returns no
/// log-probabilities of prompt tokens, and forced decoding (a grammar admitting exactly the target
/// tokens, `n_probs`, `post_sampling_probs: false`) has not been verified against the embedded
/// engine's numbers (no llama-server binary was available to test it). To score with llama.cpp,
/// run llama-cpp-python's OpenAI-compatible server with `--logits_all true` and use `openai`.
public final class LlamaServerBackend: ProbedLanguageModel {
    public let identity: ModelIdentity
    public let template: ChatTemplate
    public let configuration: BackendConfiguration
    let client: HTTPClient
    let modelName: String
    let tokenizerWorks: Bool
    let generationWorks: Bool
    let probeNotes: [String]

    init(configuration: BackendConfiguration, client: HTTPClient, modelName: String, tokenizerWorks: Bool,
         generationWorks: Bool, notes: [String]) {
        self.configuration = configuration
        self.template = configuration.template
        self.client = client
        self.modelName = modelName
        self.tokenizerWorks = tokenizerWorks
        self.generationWorks = generationWorks
        self.probeNotes = notes
        identity = ModelIdentity(backend: BackendKind.llamaServer.rawValue, model: modelName,
                                 revision: client.root + "#" + modelName)
    }

    /// Reads the model name (`/v1/models`), and tries the tokenizer and a one-token generation.
    public static func connect(_ configuration: BackendConfiguration) async throws -> LlamaServerBackend {
        let client = HTTPClient(configuration: configuration)
        let modelName = try await OpenAIBackend.resolveModel(client: client, requested: configuration.model)
        var notes = ["scoring is not supported: llama-server reports no prompt-token log-probabilities, and forced decoding is unverified; use llama-cpp-python's server with the openai backend"]
        var tokenizes = true
        do { _ = try await rawTokenize("Hello", client: client) } catch {
            tokenizes = false
            notes.append("tokenize failed: \(error)")
        }
        var generates = true
        do {
            _ = try await client.post("/completion", ["prompt": "Hello", "n_predict": 1, "cache_prompt": true])
        } catch {
            generates = false
            notes.append("generation failed: \(error)")
        }
        return LlamaServerBackend(configuration: configuration, client: client, modelName: modelName,
                                  tokenizerWorks: tokenizes, generationWorks: generates, notes: notes)
    }

    static func rawTokenize(_ text: String, client: HTTPClient) async throws -> [Int32] {
        let reply = try await client.post("/tokenize", ["content": text, "add_special": false, "parse_special": true])
        return try reply["tokens"].array().map { value in
            let id = try value.int()
            guard id >= 0, id <= Int(Int32.max) else { throw value.fail("is not a token id") }
            return Int32(id)
        }
    }

    public func tokenize(_ text: String) async throws -> [Int32] {
        try await Self.rawTokenize(text, client: client)
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        throw BackendError.unsupported(backend: "llama-server", operation: "score prompt tokens",
                                       reason: "llama-server reports no prompt-token log-probabilities; use llama-cpp-python's server with the openai backend")
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        var body: [String: Any] = [
            "prompt": prompt, "n_predict": options.maxTokens, "temperature": options.temperature,
            "top_k": options.topK, "top_p": options.topP, "min_p": options.minP,
            "seed": Int(truncatingIfNeeded: options.seed), "cache_prompt": true,
        ]
        if !options.stop.isEmpty { body["stop"] = options.stop }
        let reply = try await client.post("/completion", body)
        let text = try reply["content"].string()
        let count = try reply.optional("tokens_predicted")?.int() ?? 0
        let finish: Generation.FinishReason
        if let stopType = try reply.optional("stop_type")?.string() {   // newer servers
            finish = stopType == "limit" ? .length : stopType == "word" ? .stop : .endOfText
        } else if try reply.optional("stopped_limit")?.bool() == true {
            finish = .length
        } else if try reply.optional("stopped_word")?.bool() == true {
            finish = .stop
        } else {
            finish = .endOfText
        }
        return Generation(text: text, tokenCount: count, finishReason: finish)
    }

    public func capabilities() async -> BackendCapabilities {
        BackendCapabilities(identity: identity, url: client.root, canTokenize: tokenizerWorks, canScore: false,
                            canGenerate: generationWorks, notes: probeNotes)
    }
}
