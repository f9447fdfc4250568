/// How far a long scoring run is: `done` of `total` demonstrations scored in pass `pass` of 2
/// (1: under the task definition, 2: under the null context). Reported after each chunk, so that
/// scoring thousands of demonstrations shows progress within seconds rather than at the end.
public struct ScoringProgress: Sendable, Equatable {
    public var pass: Int
    public var done: Int
    public var total: Int

    public init(pass: Int, done: Int, total: Int) {
        self.pass = pass
        self.done = done
        self.total = total
    }
}
