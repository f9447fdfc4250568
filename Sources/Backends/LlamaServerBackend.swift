import Foundation
import LanguageModel

/// llama.cpp's own server (`llama-server`): `/tokenize` and `/completion`.
///
/// Generation and tokenization; scoring by forced decoding (LlamaServerBackend+Scoring.swift), probed
/// when connecting: llama-server reports no log-probabilities of prompt tokens, so each continuation
/// token is generated under a grammar that admits only it. Slower than the `openai` backend on
/// llama-cpp-python's server (one decode step per token), and exact to the same model's numbers.
public final class LlamaServerBackend: ProbedLanguageModel, ConstrainingBackend {
    public let identity: ModelIdentity
    public let template: ChatTemplate
    public let configuration: BackendConfiguration
    let client: HTTPClient
    let modelName: String
    let tokenizerWorks: Bool
    let generationWorks: Bool
    /// The end-of-generation tokens when forced-decoding scoring works on this server, else nil.
    let forcedDecoding: Set<Int32>?
    let probeNotes: [String]
    /// Which request field constrains JSON outputs, found on first use.
    let constraintProbe = ConstraintProbe(forms: [.jsonSchema, .grammar])

    init(configuration: BackendConfiguration, client: HTTPClient, modelName: String, tokenizerWorks: Bool,
         generationWorks: Bool, forcedDecoding: Set<Int32>?, notes: [String]) {
        self.configuration = configuration
        self.template = configuration.template
        self.client = client
        self.modelName = modelName
        self.tokenizerWorks = tokenizerWorks
        self.generationWorks = generationWorks
        self.forcedDecoding = forcedDecoding
        self.probeNotes = notes
        identity = ModelIdentity(backend: BackendKind.llamaServer.rawValue, model: modelName,
                                 revision: client.root + "#" + modelName)
    }

    /// Reads the model name (`/v1/models`), and tries the tokenizer and a one-token generation.
    public static func connect(_ configuration: BackendConfiguration) async throws -> LlamaServerBackend {
        let client = HTTPClient(configuration: configuration)
        let modelName = try await OpenAIBackend.resolveModel(client: client, requested: configuration.model)
        var notes: [String] = []
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
        let forced = tokenizes && generates ? await probeForcedDecoding(client: client, notes: &notes) : nil
        if forced != nil { notes.append("scoring by forced decoding (one decode step per token)") }
        return LlamaServerBackend(configuration: configuration, client: client, modelName: modelName,
                                  tokenizerWorks: tokenizes, generationWorks: generates, forcedDecoding: forced, notes: notes)
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


    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await generate(prompt: prompt, options: options, fields: await constraintFields(options))
    }

    /// A generation with `fields` (a constraint in the server's form) added to the request.
    func generate(prompt: String, options: GenerationOptions, fields: [String: Any]) async throws -> Generation {
        var body: [String: Any] = [
            "prompt": prompt, "n_predict": options.maxTokens, "temperature": options.temperature,
            "top_k": options.topK, "top_p": options.topP, "min_p": options.minP,
            "seed": Int(truncatingIfNeeded: options.seed), "cache_prompt": true,
        ]
        if !options.stop.isEmpty { body["stop"] = options.stop }
        body.merge(fields) { _, field in field }
        let reply = try await client.post("/completion", body)
        let text = try reply["content"].string()
        let count = try reply.optional("tokens_predicted")?.count() ?? 0
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

    public func capabilities(probingConstraints: Bool) async -> BackendCapabilities {
        let form = probingConstraints && generationWorks ? await constraintForm() : nil
        return BackendCapabilities(identity: identity, url: client.root, canTokenize: tokenizerWorks,
                                   canScore: forcedDecoding != nil, canGenerate: generationWorks, constraint: form,
                                   notes: probeNotes + (probingConstraints ? [ConstraintProbe.note(form, tried: constraintProbe.forms)] : []))
    }
}
