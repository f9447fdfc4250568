import Foundation
import LanguageModel

/// Ollama through `/api/generate` (raw prompts: VSynth applies the chat template itself).
/// Generation only: Ollama reports log-probabilities of generated tokens at most, never of prompt
/// tokens, and has no tokenizer endpoint, so `score` and `tokenize` throw `unsupported`.
/// Pair it with a scoring model in a `SplitLanguageModel`.
public final class OllamaBackend: ProbedLanguageModel, ConstrainingBackend {
    public let identity: ModelIdentity
    public let template: ChatTemplate
    public let configuration: BackendConfiguration
    let client: HTTPClient
    let modelName: String
    let generationWorks: Bool
    let probeNotes: [String]
    /// Which request field constrains JSON outputs, found on first use.
    let constraintProbe = ConstraintProbe(forms: [.format])

    init(configuration: BackendConfiguration, client: HTTPClient, modelName: String, digest: String,
         generationWorks: Bool, notes: [String]) {
        self.configuration = configuration
        self.template = configuration.template
        self.client = client
        self.modelName = modelName
        self.generationWorks = generationWorks
        self.probeNotes = notes
        identity = ModelIdentity(backend: BackendKind.ollama.rawValue, model: modelName,
                                 revision: digest.isEmpty ? client.root + "#" + modelName : digest)
    }

    /// Lists the server's models (`/api/tags`), resolves the configured one, and tries a one-token generation.
    public static func connect(_ configuration: BackendConfiguration) async throws -> OllamaBackend {
        let client = HTTPClient(configuration: configuration)
        let tags: JSONReply
        do {
            tags = try await client.get("/api/tags")
        } catch BackendError.httpStatus(let url, 404, _) {
            throw BackendError.httpStatus(url: url, status: 404, message: "no Ollama API here (is this another kind of server? try --backend openai)")
        }
        let models = try tags["models"].array()
        let listed = try models.map { model -> (name: String, digest: String) in
            (try model["name"].string(), try model.optional("digest")?.string() ?? "")
        }
        let chosen: (name: String, digest: String)
        if let requested = configuration.model {
            // Ollama names carry a tag; `llama3` means `llama3:latest`.
            guard let found = listed.first(where: { $0.name == requested || $0.name == requested + ":latest" }) else {
                throw BackendError.unknownModel(url: client.root, model: requested, available: listed.map(\.name))
            }
            chosen = found
        } else {
            guard let first = listed.first else {
                throw BackendError.malformedReply(url: client.root + "/api/tags", field: "models", problem: "lists no model")
            }
            chosen = first
        }
        var notes = ["scoring is not possible: Ollama reports no log-probabilities of prompt tokens; score with another backend (split roles)"]
        var generates = true
        do {
            _ = try await client.post("/api/generate", [
                "model": chosen.name, "prompt": "Hello", "raw": true, "stream": false, "options": ["num_predict": 1],
            ])
        } catch {
            generates = false
            notes.append("generation failed: \(error)")
        }
        return OllamaBackend(configuration: configuration, client: client, modelName: chosen.name, digest: chosen.digest,
                             generationWorks: generates, notes: notes)
    }

    public func tokenize(_ text: String) async throws -> [Int32] {
        throw BackendError.unsupported(backend: "ollama", operation: "tokenize", reason: "Ollama has no tokenizer endpoint")
    }

    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        throw BackendError.unsupported(backend: "ollama", operation: "score prompt tokens",
                                       reason: "Ollama reports no log-probabilities of prompt tokens; use split roles with a scoring backend")
    }

    public func generate(prompt: String, options: GenerationOptions) async throws -> Generation {
        try await generate(prompt: prompt, options: options, fields: await constraintFields(options))
    }

    /// A generation with `fields` (a constraint in the server's form) added to the request.
    func generate(prompt: String, options: GenerationOptions, fields: [String: Any]) async throws -> Generation {
        var sampling: [String: Any] = [
            "num_predict": options.maxTokens, "temperature": options.temperature, "top_p": options.topP,
            "seed": Int(truncatingIfNeeded: options.seed),
        ]
        if options.topK > 0 { sampling["top_k"] = options.topK }
        if options.minP > 0 { sampling["min_p"] = options.minP }
        if !options.stop.isEmpty { sampling["stop"] = options.stop }
        let reply: JSONReply
        var body: [String: Any] = [
            "model": modelName, "prompt": prompt, "raw": true, "stream": false, "options": sampling,
        ]
        body.merge(fields) { _, field in field }
        do {
            reply = try await client.post("/api/generate", body)
        } catch BackendError.httpStatus(let url, 404, let message) where message.contains("not found") {
            throw BackendError.unknownModel(url: url, model: modelName, available: [])
        }
        let text = try reply["response"].string()
        let reason = try reply.optional("done_reason")?.string() ?? "stop"
        let count = try reply.optional("eval_count")?.count() ?? 0
        let finish: Generation.FinishReason = reason == "length" ? .length : (options.stop.isEmpty ? .endOfText : .stop)
        return Generation(text: text, tokenCount: count, finishReason: finish)
    }

    public func capabilities(probingConstraints: Bool) async -> BackendCapabilities {
        let form = probingConstraints && generationWorks ? await constraintForm() : nil
        return BackendCapabilities(identity: identity, url: client.root, canTokenize: false, canScore: false,
                                   canGenerate: generationWorks, constraint: form,
                                   notes: probeNotes + (probingConstraints ? [ConstraintProbe.note(form, tried: constraintProbe.forms)] : []))
    }
}
