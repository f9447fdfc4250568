import Foundation
import LanguageModel

/// An OpenAI-compatible server (vLLM, llama-cpp-python's server, others) through `/v1/completions`.
///
/// Scoring reads the log-probabilities of the *prompt* tokens (`echo: true` with `logprobs`,
/// `max_tokens: 1`): the prompt is context + continuation, sent as token ids where the server takes
/// them, else as text after checking that the server tokenizes the joint text exactly as context and
/// continuation apart (the V-Score frame, docs/method.md). `connect` probes the server once: its
/// models, its tokenizer endpoint, whether it takes token ids, and how its echoed log-probabilities
/// line up.
public final class OpenAIBackend: ProbedLanguageModel, ConstrainingBackend {
    /// Where the server's tokenizer lives.
    enum TokenizerEndpoint: Sendable, Equatable {
        /// llama-cpp-python: `POST /extras/tokenize {"input"}`.
        case extras
        /// vLLM: `POST /tokenize {"prompt", "add_special_tokens": false}`.
        case vllm
        case none
    }

    public let identity: ModelIdentity
    public let template: ChatTemplate
    public let configuration: BackendConfiguration
    let client: HTTPClient
    /// The model id sent with every request (from `/v1/models`).
    let modelID: String
    let tokenizerEndpoint: TokenizerEndpoint
    /// Tokens the server's tokenizer puts in front of every text (a BOS), stripped from its answers.
    let tokenizerPrefix: [Int32]
    /// The server accepts a prompt given as token ids.
    let acceptsTokenIDs: Bool
    /// How the echoed log-probabilities line up with the prompt tokens (found by `connect`).
    let layout: PromptLogprobLayout
    let contextTokens = TokenCache()
    /// Whether a one-token generation worked when connecting.
    let generationWorks: Bool
    let probeNotes: [String]
    /// Which request field constrains JSON outputs, found on first use.
    let constraintProbe = ConstraintProbe(forms: [.responseFormat, .guidedJSON, .grammar])

    init(configuration: BackendConfiguration, client: HTTPClient, modelID: String,
         tokenizerEndpoint: TokenizerEndpoint, tokenizerPrefix: [Int32], acceptsTokenIDs: Bool,
         layout: PromptLogprobLayout, generationWorks: Bool, notes: [String]) {
        self.configuration = configuration
        self.template = configuration.template
        self.client = client
        self.modelID = modelID
        self.tokenizerEndpoint = tokenizerEndpoint
        self.tokenizerPrefix = tokenizerPrefix
        self.acceptsTokenIDs = acceptsTokenIDs
        self.layout = layout
        self.generationWorks = generationWorks
        self.probeNotes = notes
        // llama-cpp-python names a model by its file path: show the file name, keep the path in the revision.
        let name = modelID.hasPrefix("/") ? String(modelID.split(separator: "/").last ?? Substring(modelID)) : modelID
        self.identity = ModelIdentity(backend: BackendKind.openai.rawValue, model: name,
                                      revision: client.root + "#" + modelID)
    }

    /// Connects to the server and probes it. Throws for a server that is down, refuses the API key,
    /// or does not serve the configured model.
    public static func connect(_ configuration: BackendConfiguration) async throws -> OpenAIBackend {
        let client = HTTPClient(configuration: configuration)
        let modelID = try await resolveModel(client: client, requested: configuration.model)
        var notes: [String] = []

        // The tokenizer: llama-cpp-python's /extras/tokenize, else vLLM's /tokenize.
        var endpoint = TokenizerEndpoint.none
        var prefix: [Int32] = []
        if let tokens = try? await rawTokenize("", endpoint: .extras, client: client, model: modelID) {
            endpoint = .extras
            prefix = tokens
        } else if let tokens = try? await rawTokenize("", endpoint: .vllm, client: client, model: modelID) {
            endpoint = .vllm
            prefix = tokens
        } else {
            notes.append("no tokenizer endpoint (/extras/tokenize, /tokenize): scoring needs one for the exact context/continuation split")
        }

        var acceptsIDs = false
        var layout = PromptLogprobLayout.unavailable("the server has no tokenizer endpoint")
        if endpoint != .none {
            let template = configuration.template
            let probe = template.systemTurn("Hi") + template.userTurn("Hello") + template.userPrefix + "The capital of France is"
            var tokens = try await rawTokenize(probe, endpoint: endpoint, client: client, model: modelID)
            if tokens.starts(with: prefix) { tokens.removeFirst(prefix.count) }
            acceptsIDs = (try? await client.post("/v1/completions", [
                "model": modelID, "prompt": tokens.map(Int.init), "max_tokens": 1, "temperature": 0,
            ], retry: false)) != nil
            let found = endpoint, bos = prefix
            notes.append(acceptsIDs ? "prompts are sent as token ids"
                                    : "prompts are sent as text (the server takes no token ids); the split is checked per request")
            layout = await PromptLogprobLayout.probe(client: client, model: modelID, text: probe, tokens: tokens,
                                                     acceptsTokenIDs: acceptsIDs, template: configuration.template,
                                                     tokenize: { text in
                var ids = try await rawTokenize(text, endpoint: found, client: client, model: modelID)
                if ids.starts(with: bos) { ids.removeFirst(bos.count) }
                return ids
            })
            notes.append(layout.note)
        }

        var generates = true
        do {
            _ = try await client.post("/v1/completions", [
                "model": modelID, "prompt": "Hello", "max_tokens": 1, "temperature": 0,
            ])
        } catch {
            generates = false
            notes.append("generation failed: \(error)")
        }
        return OpenAIBackend(configuration: configuration, client: client, modelID: modelID,
                             tokenizerEndpoint: endpoint, tokenizerPrefix: prefix, acceptsTokenIDs: acceptsIDs,
                             layout: layout, generationWorks: generates, notes: notes)
    }

    /// The model to use: the configured one if the server lists it (else `unknownModel`), or the first listed.
    static func resolveModel(client: HTTPClient, requested: String?) async throws -> String {
        let reply: JSONReply
        do {
            reply = try await client.get("/v1/models")
        } catch BackendError.httpStatus(let url, 404, _) {
            throw BackendError.httpStatus(url: url, status: 404, message: "no OpenAI-compatible API here (is this an Ollama server? try --backend ollama)")
        }
        let ids = try reply["data"].array().map { try $0["id"].string() }
        if let requested {
            guard ids.contains(requested) else {
                throw BackendError.unknownModel(url: client.root, model: requested, available: ids)
            }
            return requested
        }
        guard let first = ids.first else {
            throw BackendError.malformedReply(url: client.root + "/v1/models", field: "data", problem: "lists no model")
        }
        return first
    }

    static func rawTokenize(_ text: String, endpoint: TokenizerEndpoint, client: HTTPClient,
                            model: String) async throws -> [Int32] {
        let reply: JSONReply
        switch endpoint {
        case .extras:
            reply = try await client.post("/extras/tokenize", ["input": text, "model": model], retry: false)
        case .vllm:
            reply = try await client.post("/tokenize", ["model": model, "prompt": text, "add_special_tokens": false],
                                          retry: false)
        case .none:
            throw BackendError.unsupported(backend: "openai", operation: "tokenize",
                                           reason: "the server has no tokenizer endpoint")
        }
        return try reply["tokens"].array().map { value in
            let id = try value.int()
            guard id >= 0, id <= Int(Int32.max) else { throw value.fail("is not a token id") }
            return Int32(id)
        }
    }

    public func tokenize(_ text: String) async throws -> [Int32] {
        var tokens = try await Self.rawTokenize(text, endpoint: tokenizerEndpoint, client: client, model: modelID)
        if !tokenizerPrefix.isEmpty, tokens.starts(with: tokenizerPrefix) { tokens.removeFirst(tokenizerPrefix.count) }
        return tokens
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await generate(prompt: prompt, options: options, fields: await constraintFields(options))
    }

    /// A generation with `fields` (a constraint in the server's form) added to the request.
    func generate(prompt: String, options: GenerationOptions, fields: [String: Any]) async throws -> Generation {
        var body: [String: Any] = [
            "model": modelID, "prompt": prompt, "max_tokens": options.maxTokens,
            "temperature": options.temperature, "top_p": options.topP, "seed": Int(truncatingIfNeeded: options.seed),
        ]
        if options.topK > 0 { body["top_k"] = options.topK }
        if options.minP > 0 { body["min_p"] = options.minP }
        if !options.stop.isEmpty { body["stop"] = options.stop }
        body.merge(fields) { _, field in field }
        let text: String
        let choice: JSONReply
        let reply: JSONReply
        if configuration.useChatCompletions {
            guard let transcript = ChatTranscript(prompt: prompt, template: template) else {
                throw BackendError.unsupported(backend: "openai", operation: "generate through /v1/chat/completions",
                    reason: "the prompt is not whole '\(template.name)' turns ending with an open assistant turn")
            }
            body["prompt"] = nil
            body["messages"] = transcript.json
            reply = try await client.post("/v1/chat/completions", body)
            choice = try firstChoice(reply)
            text = try choice["message"]["content"].string()
        } else {
            reply = try await client.post("/v1/completions", body)
            choice = try firstChoice(reply)
            text = try choice["text"].string()
        }
        let reason = try choice["finish_reason"].isNull ? "stop" : choice["finish_reason"].string()
        let count = try reply.optional("usage")?["completion_tokens"].count() ?? 0
        let finish: Generation.FinishReason = reason == "length" ? .length : (options.stop.isEmpty ? .endOfText : .stop)
        return Generation(text: text, tokenCount: count, finishReason: finish)
    }

    public func capabilities(probingConstraints: Bool) async -> BackendCapabilities {
        let form = probingConstraints && generationWorks ? await constraintForm() : nil
        return BackendCapabilities(identity: identity, url: client.root, canTokenize: tokenizerEndpoint != .none,
                                   canScore: layout.canScore, canGenerate: generationWorks,
                                   constraint: form,
                                   notes: probeNotes + (probingConstraints ? [ConstraintProbe.note(form, tried: constraintProbe.forms)] : []))
    }

    func firstChoice(_ reply: JSONReply) throws -> JSONReply {
        let choices = try reply["choices"].array()
        guard let first = choices.first else { throw reply["choices"].fail("is empty") }
        return first
    }
}
