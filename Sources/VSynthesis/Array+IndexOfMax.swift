extension Array where Element == Double {
    /// The index of the largest value, the first of equals (0 when empty): the one rule by which a
    /// labelled task's best label is taken, in the in-context answers and in the label choices.
    var indexOfMax: Int {
        var best = 0
        for (index, value) in enumerated() where value > self[best] { best = index }
        return best
    }
}
