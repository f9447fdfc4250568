import Foundation
import LanguageModel

extension OpenAIBackend {
    /// ln p of each continuation's tokens after `context`, from the server's prompt log-probabilities.
    /// Context and continuation are tokenized apart (the V-Score frame, docs/method.md); continuations
    /// run concurrently up to the configured limit.
    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        guard layout.canScore else {
            throw BackendError.unsupported(backend: "openai", operation: "score prompt tokens", reason: layout.note)
        }
        let contextIDs: [Int32]
        if let cached = contextTokens.get(context) {
            contextIDs = cached
        } else {
            contextIDs = try await tokenize(context)
            contextTokens.put(context, contextIDs)
        }
        guard !contextIDs.isEmpty else {
            throw BackendError.unsupported(backend: "openai", operation: "score after an empty context",
                                           reason: "servers report no log-probability for the first prompt token")
        }
        return try await withThrowingTaskGroup(of: (Int, ContinuationScore).self) { group in
            for (index, continuation) in continuations.enumerated() {
                group.addTask {
                    (index, try await self.scoreOne(context: context, contextIDs: contextIDs, continuation: continuation))
                }
            }
            var scores = [ContinuationScore?](repeating: nil, count: continuations.count)
            for try await (index, score) in group { scores[index] = score }
            return scores.compactMap { $0 }
        }
    }

    func scoreOne(context: String, contextIDs: [Int32], continuation: String) async throws -> ContinuationScore {
        let continuationIDs = try await tokenize(continuation)
        if continuationIDs.isEmpty { return ContinuationScore(tokenLogprobs: [], tokenTexts: []) }
        let ids = contextIDs + continuationIDs
        let url = client.root + "/v1/completions"
        let prompt: Any
        if acceptsTokenIDs {
            prompt = ids.map(Int.init)
        } else {
            let joint = try await tokenize(context + continuation)
            guard joint == ids else {
                let at = zip(joint, ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(joint.count, ids.count)
                throw BackendError.tokenizationBoundary(url: url, detail: "joint text has \(joint.count) tokens, "
                    + "context \(contextIDs.count) + continuation \(continuationIDs.count); first difference at token \(at)")
            }
            prompt = context + continuation
        }
        let echo = try await EchoedLogprobs.request(client: client, model: modelID, prompt: prompt)
        // Which reply entry holds each prompt position (nil: the server omitted it).
        var entryOf = [Int?](repeating: nil, count: ids.count)
        var omittedText = ""
        switch layout {
        case .complete:
            guard (ids.count...(ids.count + echo.generated)).contains(echo.logprobs.count) else {
                throw BackendError.malformedReply(url: url, field: "choices[0].logprobs.token_logprobs",
                    problem: "has \(echo.logprobs.count) entries for \(ids.count) prompt tokens")
            }
            for position in ids.indices { entryOf[position] = position }
        case let .omitsTokenID(omitted, text, _):
            omittedText = text
            guard ids[0] == omitted else {
                throw BackendError.unreadableLogprob(url: url, position: 0,
                    reason: "the prompt does not start with token \(omitted), so the server's entries cannot be aligned")
            }
            var entry = 0
            for position in 1..<ids.count where ids[position] != omitted {
                entryOf[position] = entry
                entry += 1
            }
            guard (entry...(entry + echo.generated)).contains(echo.logprobs.count) else {
                throw BackendError.malformedReply(url: url, field: "choices[0].logprobs.token_logprobs",
                    problem: "has \(echo.logprobs.count) entries where \(entry) prompt tokens are reported")
            }
        case let .unavailable(reason):
            throw BackendError.unsupported(backend: "openai", operation: "score prompt tokens", reason: reason)
        }
        var logprobs: [Double] = []
        var texts: [String] = []
        var omittedSeen = 0
        for position in contextIDs.count..<ids.count {
            if let entry = entryOf[position] {
                guard let value = echo.logprobs[entry] else {
                    throw BackendError.malformedReply(url: url, field: "choices[0].logprobs.token_logprobs[\(entry)]",
                                                      problem: "is null for a continuation token")
                }
                logprobs.append(value)
                texts.append(echo.tokens[entry])
            } else {
                let prefixIDs = Array(ids[0..<position])
                let prefixText = try await textBefore(occurrence: omittedSeen, of: omittedText, context: context,
                                                      continuation: continuation, expected: prefixIDs, position: position)
                logprobs.append(try await readOmitted(prefix: acceptsTokenIDs ? prefixIDs.map(Int.init) : prefixText,
                                                      position: position))
                texts.append(omittedText)
                omittedSeen += 1
            }
        }
        return ContinuationScore(tokenLogprobs: logprobs, tokenTexts: texts)
    }

    /// context + the continuation up to its `occurrence`-th `marker`, checked to tokenize to `expected`.
    func textBefore(occurrence: Int, of marker: String, context: String, continuation: String,
                    expected: [Int32], position: Int) async throws -> String {
        var searchStart = continuation.startIndex
        var found: Range<String.Index>?
        for _ in 0...occurrence {
            guard let range = continuation.range(of: marker, range: searchStart..<continuation.endIndex) else {
                found = nil
                break
            }
            found = range
            searchStart = range.upperBound
        }
        guard let found else {
            throw BackendError.unreadableLogprob(url: client.root, position: position,
                                                 reason: "its text '\(marker)' was not found in the continuation")
        }
        let text = context + String(continuation[..<found.lowerBound])
        guard !acceptsTokenIDs else { return text }
        guard try await tokenize(text) == expected else {
            throw BackendError.unreadableLogprob(url: client.root, position: position,
                                                 reason: "the text before it does not tokenize to the same tokens")
        }
        return text
    }

    /// The log-probability of the omitted token at the end of `prefix`, read exactly in two requests:
    /// a greedy one-token completion shows the omitted token is the model's first choice there
    /// (one token generated, none reported), and a second one with that token (and the turn end)
    /// biased away generates another token, whose `top_logprobs` (raw, unbiased scores) then hold the
    /// first choice's log-probability.
    func readOmitted(prefix: Any, position: Int) async throws -> Double {
        guard case let .omitsTokenID(id, _, suppressed) = layout else {
            throw BackendError.unreadableLogprob(url: client.root, position: position, reason: "not an omitted token")
        }
        let url = client.root + "/v1/completions"
        let greedy = try await client.post("/v1/completions", [
            "model": modelID, "prompt": prefix, "max_tokens": 1, "temperature": 0, "logprobs": 1,
        ])
        let greedyChoice = try firstChoice(greedy)
        let greedyEntries = try greedyChoice["logprobs"]["token_logprobs"].array().count
        let greedyCount = try greedy["usage"]["completion_tokens"].count()
        guard greedyCount == 1, greedyEntries == 0 else {
            throw BackendError.unreadableLogprob(url: url, position: position,
                reason: "token \(id) is not the model's first choice there, and the server names other candidates only by text")
        }
        var bias: [String: Any] = [:]
        for token in suppressed { bias[String(token)] = -100 }
        let biased = try await client.post("/v1/completions", [
            "model": modelID, "prompt": prefix, "max_tokens": 1, "temperature": 0, "logprobs": 1, "logit_bias": bias,
        ])
        let choice = try firstChoice(biased)
        let field = choice["logprobs"]
        let generated = try field["token_logprobs"].array()
        let top = try field["top_logprobs"].array()
        guard let generatedValue = try generated.first?.logprob(), let first = top.first else {
            throw BackendError.unreadableLogprob(url: url, position: position,
                reason: "with token \(id) suppressed the server generated no reportable token")
        }
        let generatedText = try field["tokens"].array().first?.string() ?? ""
        let candidates = try first.object().filter { $0.key != generatedText }.map { try $0.value.logprob() }
        guard let value = candidates.max(), value >= generatedValue, value <= 0 else {
            throw first.fail("does not hold the first choice's log-probability")
        }
        return value
    }
}
