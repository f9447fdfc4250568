import Foundation
import LanguageModel

/// Picks the next token from a row of logits the way llama.cpp's default chain does: top-k, top-p,
/// min-p (each on probabilities at temperature 1), then temperature, then a draw from the engine's
/// seeded `RandomSource`. Temperature 0 (or below) is greedy argmax.
public struct Sampler {
    public var options: GenerationOptions
    public var random: RandomSource
    /// Reused candidate storage, so sampling allocates nothing per token.
    private var candidates: [Candidate] = []
    /// Reused: the tokens a grammar allows, when the first choice was not one of them.
    private var allowed: [Int32] = []
    /// Reused: puts the candidates in order.
    private var order = LogitOrder()

    struct Candidate {
        var token: Int32
        var logit: Float
        var probability: Double
    }

    public init(options: GenerationOptions) {
        self.options = options
        random = RandomSource(seed: options.seed)
    }

    /// The next token for (vocab) logits.
    public mutating func sample(_ logits: UnsafePointer<Float>, vocabularySize: Int) -> Int32 {
        if options.temperature <= 0 { return Int32(VectorMath.argmax(logits, count: vocabularySize)) }
        filter(logits, vocabularySize: vocabularySize)
        return draw()
    }

    /// Temperature over the filtered candidates, then a draw.
    private mutating func draw() -> Int32 {
        let temperature = options.temperature
        let top = Double(candidates[0].logit)
        var total = 0.0
        for i in candidates.indices {
            let p = Foundation.exp((Double(candidates[i].logit) - top) / temperature)
            candidates[i].probability = p
            total += p
        }
        var target = random.nextUnit() * total
        for candidate in candidates {
            target -= candidate.probability
            if target < 0 { return candidate.token }
        }
        return candidates[candidates.count - 1].token
    }

    /// The next token among those `mask` allows, as llama.cpp samples under a grammar: the
    /// unconstrained choice when the mask allows it (the common case, one check), else a draw from
    /// the allowed tokens alone, filtered and tempered the same way. Nil when no token is allowed.
    mutating func sample(_ logits: UnsafePointer<Float>, vocabularySize: Int, mask: inout TokenMask) -> Int32? {
        let first = sample(logits, vocabularySize: vocabularySize)
        if mask.allows(first) { return first }
        mask.prepareScan()
        allowed.removeAll(keepingCapacity: true)
        for token in 0..<Int32(vocabularySize) where mask.allowsInScan(token) { allowed.append(token) }
        filter(logits, vocabularySize: vocabularySize, among: allowed)
        guard !candidates.isEmpty else { return nil }
        if options.temperature <= 0 { return candidates[0].token }
        return draw()
    }

    /// The tokens that survive top-k, top-p and min-p, most likely first, in `candidates`
    /// (with their temperature-1 probabilities). Exposed for tests.
    public mutating func survivors(_ logits: UnsafePointer<Float>, vocabularySize: Int) -> [Int32] {
        filter(logits, vocabularySize: vocabularySize)
        return candidates.map(\.token)
    }

    private mutating func filter(_ logits: UnsafePointer<Float>, vocabularySize: Int,
                                 among allowed: [Int32]? = nil) {
        candidates.removeAll(keepingCapacity: true)
        order.removeAll()
        // Tokens more than 40 nats below the best have probability < 4e-18 relative to it: no filter
        // below can keep them unless they are all kept.
        if let allowed {
            guard let best = allowed.lazy.map({ logits[Int($0)] }).max() else { return }
            for token in allowed where logits[Int(token)] >= best - 40 {
                order.append(token: token, logit: logits[Int(token)])
            }
        } else {
            let best = VectorMath.maximum(logits, count: vocabularySize)
            let floor = best - 40
            for i in 0..<vocabularySize where logits[i] >= floor {
                order.append(token: Int32(i), logit: logits[i])
            }
        }
        order.sorted { token, logit in candidates.append(Candidate(token: token, logit: logit, probability: 0)) }
        if options.topK > 0, candidates.count > options.topK {
            candidates.removeLast(candidates.count - options.topK)
        }
        softmax()
        if options.topP < 1 {
            var cumulative = 0.0
            var keep = candidates.count
            for (i, candidate) in candidates.enumerated() {
                cumulative += candidate.probability
                if cumulative >= options.topP { keep = i + 1; break }
            }
            candidates.removeLast(candidates.count - max(1, keep))
            softmax()
        }
        if options.minP > 0 {
            let threshold = candidates[0].probability * options.minP
            let keep = candidates.firstIndex { $0.probability < threshold } ?? candidates.count
            candidates.removeLast(candidates.count - max(1, keep))
            softmax()
        }
    }

    /// probability = softmax(logit) over the current candidates.
    private mutating func softmax() {
        let top = Double(candidates[0].logit)
        var total = 0.0
        for i in candidates.indices {
            let p = Foundation.exp(Double(candidates[i].logit) - top)
            candidates[i].probability = p
            total += p
        }
        for i in candidates.indices { candidates[i].probability /= total }
    }
}
