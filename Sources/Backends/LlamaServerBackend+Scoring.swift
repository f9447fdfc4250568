import Foundation
import LanguageModel

/// Scoring on llama.cpp's own server by forced decoding: `/completion` with the context as the
/// prompt (token ids) and a grammar of token references (`<[id]>`) that admits exactly the
/// continuation's tokens, `n_probs: 1` and `post_sampling_probs: false`, so that each generated entry
/// carries the chosen (= forced) token's log-probability under the model's raw distribution.
///
/// An end-of-generation token (the server's `eos_token`, e.g. `<|im_end|>`) cannot appear in a
/// grammar: generation stops at it. So the continuation goes in segments that end at such a token;
/// the grammar forces the segment's other tokens, then a logit bias picks the end token, and the
/// next segment's request starts again from the prompt plus what was forced. Biases act in the
/// sampler chain, after the reported probabilities were taken, so they change no number.
///
/// `cache_prompt: false`: each request evaluates its whole prompt as one batch, whatever the server
/// computed before, so the numbers do not depend on its cache (a cached prompt has its last token
/// evaluated alone, in llama.cpp's decode order). The forced tokens are then one-token decode steps;
/// the embedded engine doing the same gives the same numbers (BackendsTests.LlamaServerScoringTests).
extension LlamaServerBackend {
    public func score(context: String, continuations: [String]) async throws -> [ContinuationScore] {
        guard let endOfGeneration = forcedDecoding else {
            throw BackendError.unsupported(backend: "llama-server", operation: "score prompt tokens",
                                           reason: probeNotes.first { $0.hasPrefix("scoring") } ?? "forced decoding did not work on this server")
        }
        let contextIDs = try await tokenize(context)
        guard !contextIDs.isEmpty else {
            throw BackendError.unsupported(backend: "llama-server", operation: "score after an empty context",
                                           reason: "forced decoding needs a prompt to start from")
        }
        // One after another: the server's slots decode one sequence each.
        var scores: [ContinuationScore] = []
        for continuation in continuations {
            try Task.checkCancellation()
            scores.append(try await Self.forcedScore(client: client, contextIDs: contextIDs,
                                                     continuationIDs: try await tokenize(continuation),
                                                     endOfGeneration: endOfGeneration))
        }
        return scores
    }

    /// ln p of each of `continuationIDs` after `contextIDs`, by forced decoding in segments.
    static func forcedScore(client: HTTPClient, contextIDs: [Int32], continuationIDs: [Int32],
                            endOfGeneration: Set<Int32>) async throws -> ContinuationScore {
        let url = client.root + "/completion"
        var logprobs: [Double] = [], texts: [String] = []
        var done: [Int32] = []
        var start = 0
        while start < continuationIDs.count {
            var end = start
            while end < continuationIDs.count, !endOfGeneration.contains(continuationIDs[end]) { end += 1 }
            let segment = Array(continuationIDs[start..<min(continuationIDs.count, end + 1)])
            let forced = segment.filter { !endOfGeneration.contains($0) }
            var body: [String: Any] = [
                "prompt": (contextIDs + done).map(Int.init), "n_predict": segment.count, "n_probs": 1,
                "post_sampling_probs": false, "temperature": 0, "cache_prompt": false,
            ]
            if !forced.isEmpty { body["grammar"] = "root ::= " + forced.map { "<[\($0)]>" }.joined(separator: " ") }
            if let last = segment.last, endOfGeneration.contains(last) { body["logit_bias"] = [[Int(last), 100]] }
            let reply = try await client.post("/completion", body)
            let entries = try reply["completion_probabilities"].array()
            guard entries.count == segment.count else {
                throw BackendError.malformedReply(url: url, field: "completion_probabilities",
                                                  problem: "has \(entries.count) entries for \(segment.count) forced tokens")
            }
            for (offset, (entry, expected)) in zip(entries, segment).enumerated() {
                let id = try entry["id"].int()
                guard id == Int(expected) else {
                    throw BackendError.unreadableLogprob(url: url, position: start + offset,
                        reason: "the server generated token \(id) where the grammar forces \(expected)")
                }
                logprobs.append(try entry["logprob"].logprob())
                texts.append(try entry.optional("token")?.string() ?? "")
            }
            done += segment
            start += segment.count
        }
        return ContinuationScore(tokenLogprobs: logprobs, tokenTexts: texts)
    }

    /// The server's end-of-generation tokens (`/props` `eos_token`), if forcing two tokens after
    /// a short prompt returns their log-probabilities: nil when forced decoding does not work.
    static func probeForcedDecoding(client: HTTPClient, notes: inout [String]) async -> Set<Int32>? {
        do {
            var endOfGeneration: Set<Int32> = []
            if let eos = try? await client.get("/props")["eos_token"].string(), !eos.isEmpty {
                let ids = try await rawTokenize(eos, client: client)
                if ids.count == 1 { endOfGeneration.insert(ids[0]) }
            }
            let prompt = try await rawTokenize("The sky is", client: client)
            let target = try await rawTokenize(" blue today", client: client)
            let score = try await forcedScore(client: client, contextIDs: prompt, continuationIDs: target,
                                              endOfGeneration: endOfGeneration)
            guard score.tokenLogprobs.count == target.count, score.tokenLogprobs.allSatisfy({ $0 <= 0 && $0.isFinite }) else {
                notes.append("scoring is not supported: forced decoding returned unusable log-probabilities")
                return nil
            }
            return endOfGeneration
        } catch {
            notes.append("scoring is not supported: forced decoding failed (\(error))")
            return nil
        }
    }
}
