/// The rules on which tokens may come next in one generation: the output grammar
/// (`GenerationOptions.constraint`) and the banned openings (`GenerationOptions.bannedOpenings`), each
/// when asked for. `Sampler` takes the unconstrained choice when the mask allows it and otherwise
/// draws among the allowed tokens, so a generation whose choices are all allowed is the same token
/// for token as one without a mask.
struct TokenMask {
    var grammar: GrammarMask?
    var opening: OpeningMask?

    /// Nil when there is no rule.
    init?(grammar: GrammarMask?, opening: OpeningMask?) {
        guard grammar != nil || opening != nil else { return nil }
        self.grammar = grammar
        self.opening = opening
    }

    mutating func allows(_ token: Int32) -> Bool {
        if let opening, !opening.allows(token) { return false }
        return grammar?.allows(token) ?? true
    }

    /// Readies `allowsInScan` for a pass over the whole vocabulary.
    mutating func prepareScan() { grammar?.prepareScan() }

    mutating func allowsInScan(_ token: Int32) -> Bool {
        if let opening, !opening.allows(token) { return false }
        return grammar?.allowsInScan(token) ?? true
    }

    /// Moves every rule past an accepted token.
    mutating func accept(_ token: Int32) {
        grammar?.accept(token)
        opening?.accept(token)
    }

    /// The grammar's document is finished: nothing may follow it.
    var isClosed: Bool { grammar?.matcher.isClosed == true }
}
