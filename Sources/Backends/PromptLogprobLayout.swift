import Foundation
import LanguageModel

/// How a server's echoed prompt log-probabilities line up with the prompt's tokens.
///
/// vLLM (and the OpenAI API as specified) return one entry per prompt token, the first null.
/// llama-cpp-python 0.3.x drops the first token when it is the BOS id *and every other token with
/// the BOS id* (`if token == bos_token_id: continue`). SmolLM2's BOS is `<|im_start|>`, so every turn
/// marker of a ChatML demonstration is missing; those are read back exactly with two one-token
/// requests (see `OpenAIBackend.readOmitted`).
enum PromptLogprobLayout: Sendable, Equatable {
    /// Entry i is prompt token i (entry 0 is null).
    case complete
    /// The first token and every token equal to `id` are omitted. `text` is that token's text
    /// (to cut a text prompt before it); `suppressed` are the ids biased away when reading it back.
    case omitsTokenID(id: Int32, text: String, suppressed: [Int32])
    /// Prompt scoring does not work on this server; the reason says why.
    case unavailable(String)

    var canScore: Bool {
        if case .unavailable = self { return false }
        return true
    }

    var note: String {
        switch self {
        case .complete:
            "prompt log-probabilities: one per prompt token (echo)"
        case let .omitsTokenID(id, text, _):
            "prompt log-probabilities: the server omits token \(id) ('\(text)'); each such token is read back with two one-token requests"
        case let .unavailable(reason):
            "cannot score prompt tokens: \(reason)"
        }
    }

    /// Sends a probe prompt with echo and sees which layout its reply fits.
    static func probe(client: HTTPClient, model: String, text: String, tokens: [Int32], acceptsTokenIDs: Bool,
                      template: ChatTemplate,
                      tokenize: @Sendable (String) async throws -> [Int32]) async -> PromptLogprobLayout {
        guard let first = tokens.first else { return .unavailable("the probe text has no tokens") }
        // Extend the probe by the model's greedy next token G, whose ln p the (correctly aligned)
        // completion logprobs give: the echo's last entry must then read the same number. This catches
        // servers whose echo is shifted by a token (llama-cpp-python when the prompt starts with no BOS).
        var promptText = text
        var promptTokens = tokens
        var expectedLast: Double?
        if let greedy = try? await client.post("/v1/completions", [
            "model": model, "prompt": acceptsTokenIDs ? tokens.map(Int.init) : text, "max_tokens": 1,
            "temperature": 0, "logprobs": 1,
        ], retry: false),
           let choice = try? greedy["choices"].array().first,
           let values = try? choice["logprobs"]["token_logprobs"].array(), values.count == 1,
           let value = try? values[0].logprob(), let generated = try? choice["text"].string(), !generated.isEmpty,
           let extended = try? await tokenize(text + generated),
           extended.count == tokens.count + 1, extended.starts(with: tokens), extended.last != first {
            promptText = text + generated
            promptTokens = extended
            expectedLast = value
        }
        let echo: EchoedLogprobs
        do {
            echo = try await EchoedLogprobs.request(client: client, model: model,
                                                    prompt: acceptsTokenIDs ? promptTokens.map(Int.init) : promptText,
                                                    retry: false)
        } catch {
            return .unavailable("echo with logprobs failed: \(error)")
        }
        let entries = echo.logprobs.count
        let kept = promptTokens.dropFirst().filter { $0 != first }.count
        let layout: PromptLogprobLayout
        let lastEntry: Int
        if (promptTokens.count...(promptTokens.count + echo.generated)).contains(entries) {
            layout = .complete
            lastEntry = promptTokens.count - 1
        } else if kept < promptTokens.count - 1, (kept...(kept + echo.generated)).contains(entries) {
            layout = .omitsTokenID(id: first, text: "", suppressed: [])
            lastEntry = kept - 1
        } else {
            return .unavailable("echo returned \(entries) log-probabilities for \(promptTokens.count) prompt tokens")
        }
        if let expectedLast {
            guard lastEntry >= 0, let got = echo.logprobs[lastEntry], abs(got - expectedLast) < 1e-3 else {
                let got = lastEntry >= 0 ? echo.logprobs[lastEntry].map { String($0) } ?? "null" : "nothing"
                return .unavailable("the echoed log-probabilities are misaligned: the last prompt token reads \(got), "
                                    + "as a completion it has \(expectedLast)")
            }
        }
        if layout == .complete { return .complete }
        // The omitted token's text: the shortest start of the system-turn prefix that is exactly that token.
        let prefix = Array(template.systemPrefix)
        var tokenText: String?
        for length in 1...max(1, prefix.count) {
            let candidate = String(prefix[0..<min(length, prefix.count)])
            if let ids = try? await tokenize(candidate), ids == [first] { tokenText = candidate; break }
        }
        guard let tokenText else {
            return .unavailable("the server omits the log-probability of token \(first), whose text was not found in the template")
        }
        var suppressed = [first]
        if let end = try? await tokenize(template.turnSuffix).first, end != first { suppressed.append(end) }
        return .omitsTokenID(id: first, text: tokenText, suppressed: suppressed)
    }
}

/// The `logprobs` of a `/v1/completions` reply with `echo: true`.
struct EchoedLogprobs: Sendable {
    /// `token_logprobs`: one per reported token; null where the server has none.
    var logprobs: [Double?]
    /// `tokens`: the text of each reported token.
    var tokens: [String]
    /// `usage.completion_tokens` (1 when the server does not say).
    var generated: Int

    static func request(client: HTTPClient, model: String, prompt: Any, retry: Bool = true) async throws -> EchoedLogprobs {
        let reply = try await client.post("/v1/completions", [
            "model": model, "prompt": prompt, "echo": true, "logprobs": 1, "max_tokens": 1, "temperature": 0,
        ], retry: retry)
        let choices = try reply["choices"].array()
        guard let choice = choices.first else { throw reply["choices"].fail("is empty") }
        let logprobs = choice["logprobs"]
        let values = try logprobs["token_logprobs"].array().map { try $0.optionalLogprob() }
        let texts = try logprobs["tokens"].array().map { try $0.string() }
        guard texts.count == values.count else {
            throw logprobs["tokens"].fail("has \(texts.count) entries, token_logprobs has \(values.count)")
        }
        let generated = try reply.optional("usage")?.optional("completion_tokens")?.count() ?? 1
        return EchoedLogprobs(logprobs: values, tokens: texts, generated: generated)
    }
}
