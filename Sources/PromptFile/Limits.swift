/// The allowed values of every numeric setting and argument VSynth reads: prompt-file settings,
/// command-line options and the language server's settings and command arguments. One table, so
/// that a file, the CLI and the daemon agree on what `count` may be, and so that no number read
/// from outside can reach arithmetic that traps (counts multiply into loop bounds; a prompt file
/// comes from whoever wrote the repository). docs/prompt-files.md and schemas/ state the same.
public enum Limits {
    // The method's knobs (file, CLI and server).
    /// Demonstrations a file should hold (`vsynth.count`, the server's `count`).
    public static let count = 0...1000
    /// Demonstrations to produce in one run (`-n`, the server command's `n`): count without 0.
    public static let demonstrations = 1...count.upperBound
    /// Seeds (`vsynth.seed`, `--seed`, the server's `seed`): any non-negative 64-bit integer.
    public static let seed = 0...Int.max
    /// V-Score threshold in nats (`vsynth.threshold`, the server's `threshold`); finite.
    public static let threshold = -1_000_000.0...1_000_000.0
    /// Synthesis scale N (`--scale`, the server's `scale`).
    public static let scale = 1...10_000
    /// References per generation (k).
    public static let references = 0...64
    /// Candidates per round (m).
    public static let candidates = 1...1000
    /// Sampling temperature (synthesis and `generate`).
    public static let temperature = 0.0...5.0
    /// Nucleus mass of synthesis (above 0: the loop needs a candidate).
    public static let synthesisTopP = 0.01...1.0
    /// Most tokens per synthesized turn.
    public static let synthesisMaxTokens = 4...4096
    /// Token-Jaccard of near duplicates.
    public static let nearDuplicate = 0.01...1.0
    /// Softmax weighting temperature τ.
    public static let tau = 1e-6...1e6
    /// Clip weighting ε.
    public static let epsilon = 0.0...1e6
    /// Nats between a candidate's best two labels below which it is dropped as ambiguous.
    public static let labelMargin = 0.0...1000.0
    /// Orders of the chosen demonstrations tried on a labelled task (4 demonstrations have 24).
    public static let orderings = 1...720
    /// Times a candidate's input that repeats one written before is drawn again.
    public static let redraws = 0...16

    // The engine and the processes.
    /// Compute threads (0 = all cores).
    public static let threads = 0...1024
    /// Files synthesized at once in a batch run.
    public static let jobs = 1...256
    /// Candidates of a synthesis round generated at once (`--parallel`, the server's `parallel`).
    public static let parallel = 1...256
    /// KV cache positions of `generate` (a larger cache would not fit in memory).
    public static let context = 16...131_072
    /// Most tokens `generate` produces.
    public static let generationMaxTokens = 0...1_000_000
    /// top-k of `generate` (0 = off).
    public static let topK = 0...1_000_000
    /// top-p and min-p of `generate`.
    public static let probability = 0.0...1.0
    /// The server's pause after typing, in milliseconds.
    public static let debounce = 0...60_000
    /// A remote backend's request time limit, in seconds.
    public static let timeout = 0.1...86_400.0

    // Benchmarks.
    public static let benchBatch = 1...8192
    public static let benchSeconds = 0.01...60.0
    public static let benchRuns = 1...100
    public static let benchPromptTokens = 80...2048
    public static let benchDecodeTokens = 1...1024

    /// `0...1000`, `-1e+06...1e+06`: a range as messages and docs write it.
    public static func text(_ range: ClosedRange<Int>) -> String {
        "\(range.lowerBound)...\(range.upperBound)"
    }

    public static func text(_ range: ClosedRange<Double>) -> String {
        "\(number(range.lowerBound))...\(number(range.upperBound))"
    }

    /// A double without a needless `.0` (`1000000`, `0.01`, `1e-06`).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
