import PromptFile
import VSynthesis

/// The synthesis knobs (`SynthesisOptions`), declared once for `synthesize`, `eval synthesis` and
/// `eval icl`, which read them with `EvalCommand.synthesisOptions`. Help shows `defaults`, the
/// values a command synthesizes with when a knob is not given. `--method` and `--seed` are not
/// in the group: a command that runs one of them declares it (`method(_:)`, `seed(_:)`), and the
/// evaluations run lists instead (`--methods`, `--seeds`), so their help never shows an option
/// they would ignore.
struct SynthesisOptionGroup: OptionGroup {
    /// `--weighting`'s words.
    enum WeightingName: String, Sendable {
        case clip, softmax
    }

    /// τ of `--weighting softmax` without `--tau`.
    static let defaultTau = 1.0
    /// ε of `--weighting clip` without `--epsilon`: that of the default weighting.
    static let defaultEpsilon: Double = if case let .clip(epsilon) = Weighting.defaultClip { epsilon } else { 0 }

    let defaults: SynthesisOptions
    let labels: Option<SynthesisOptions.LabelStrategy>
    let count: Option<Int?>
    let scale: Option<Int>
    let references: Option<Int>
    let candidates: Option<Int>
    let weighting: Option<WeightingName?>
    let tau: Option<Double?>
    let epsilon: Option<Double?>
    let perToken: Option<Bool>
    let labelMargin: Option<Double>
    let orderings: Option<Int>
    let redraws: Option<Int>
    let temperature: Option<Double>
    let topP: Option<Double>
    let maxTokens: Option<Int>
    let nearDuplicate: Option<Double>
    let parallel: Option<Int>

    init() { self.init(defaults: SynthesisOptions()) }

    init(defaults: SynthesisOptions) {
        self.defaults = defaults
        labels = .choice("labels", value: "S", choices: [.calibrated, .vinfo, .agreed, .classify, .argmax, .score, .target],
                         default: defaults.labelStrategy,
                         help: "Labelled tasks: calibrated (zero-shot ln p(label | T, x) less its prior over the content-free inputs N/A, empty and [MASK]), vinfo (V-information from T to the label), agreed (vinfo's label where calibrated chooses the same, else dropped as ambiguous), classify (zero-shot ln p(label | T, x)), argmax (the likeliest in the generation prompt), score (drawn by ln p) or target (ask for the least covered).")
        count = .integer("count", short: "n", value: "N", bound: Limits.demonstrations, help: "Demonstrations to produce (n).")
        scale = .integer("scale", value: "S", bound: Limits.scale, default: defaults.scale,
                         help: "Synthesized pool size N before the final choice.")
        references = .integer("references", short: "k", value: "K", bound: Limits.references, default: defaults.references,
                              help: "References shown per generation.")
        candidates = .integer("candidates", short: "m", value: "M", bound: Limits.candidates, default: defaults.candidatesPerRound,
                              help: "Candidates generated per round.")
        let (tauShown, epsilonShown, weightingShown) = switch defaults.weighting {
        case let .softmax(tau): (tau, Self.defaultEpsilon, WeightingName.softmax)
        case let .clip(epsilon): (Self.defaultTau, epsilon, WeightingName.clip)
        }
        weighting = Option<WeightingName?>.choice("weighting", value: "W", choices: [WeightingName.clip, .softmax],
                                  shownDefault: weightingShown.rawValue, help: "clip (max(V,0)+ε) or softmax (exp(V/τ)).")
        tau = .number("tau", value: "T", bound: Limits.tau, shownDefault: tauShown, help: "Softmax temperature τ.")
        epsilon = .number("epsilon", value: "E", bound: Limits.epsilon, shownDefault: epsilonShown, help: "ε of clip weighting.")
        perToken = .flag("per-token", help: "Weight by V-Score per token instead of the total.")
        labelMargin = .number("label-margin", value: "D", bound: Limits.labelMargin, default: defaults.labelMargin,
                              help: "Labelled tasks (vinfo, agreed, classify, calibrated): drop a candidate as ambiguous when its best label leads the next by less than D nats (0: never).")
        orderings = .integer("orderings", value: "N", bound: Limits.orderings, default: defaults.orderings,
                             help: "Labelled tasks (vsynthesis, topk): orders of the chosen demonstrations tried, keeping the one whose in-context answers to content-free inputs spread most over the labels (1: the draw order).")
        redraws = .integer("redraws", value: "N", bound: Limits.redraws, default: defaults.redraws,
                           help: "Times a candidate's input is drawn again while it repeats an input the run has written (0: never).")
        temperature = .number("temperature", value: "T", bound: Limits.temperature, default: defaults.temperature,
                              help: "Sampling temperature of the generations.")
        topP = .number("top-p", value: "P", bound: Limits.synthesisTopP, default: defaults.topP, help: "Nucleus sampling mass.")
        maxTokens = .integer("max-tokens", value: "N", bound: Limits.synthesisMaxTokens, default: defaults.maxTokens,
                             help: "Most tokens per generation.")
        nearDuplicate = .number("near-duplicate", value: "J", bound: Limits.nearDuplicate, default: defaults.nearDuplicateThreshold,
                                help: "Token Jaccard above which a candidate is a near duplicate.")
        parallel = .integer("parallel", value: "N", bound: Limits.parallel, default: defaults.parallelism,
                            help: "Candidates of a round generated at once (1: one after another); the result is the same for any N.")
    }
}

extension SynthesisOptionGroup {
    /// `--method` of a command that runs one method, defaulting to that of `defaults`.
    static func method(_ defaults: SynthesisOptions = SynthesisOptions()) -> Option<SynthesisOptions.Method> {
        .choice("method", value: "M", choices: SynthesisOptions.Method.allCases, default: defaults.method,
                help: "vsynthesis, topk or naive.")
    }

    /// `--seed` of a command that runs one seed, showing that of `defaults`.
    static func seed(_ defaults: SynthesisOptions = SynthesisOptions()) -> Option<Int?> {
        .integer("seed", value: "K", bound: Limits.seed, shownDefault: "\(defaults.seed)",
                 help: "Seed; the same seed reproduces a result.")
    }
}

/// A command's `Options` with `--seed` (`SynthesisOptionGroup.seed`).
protocol SeedDeclaring: OptionGroup {
    var seed: Option<Int?> { get }
}

/// A command's `Options` with the synthesis knobs.
protocol SynthesisOptionsDeclaring: OptionGroup {
    var synthesis: SynthesisOptionGroup { get }
}

/// A command's `Options` with `--backend`, `--model` and `--threads` (`EvalCommand.openModel`).
protocol ModelOptionsDeclaring: OptionGroup {
    var modelChoice: ModelOptionGroup { get }
}

/// `--backend`, `--model` and `--threads`, on the commands that score and synthesize.
struct ModelOptionGroup: OptionGroup {
    let backend = EvalCommand.backend
    let model = EvalCommand.model
    let threads = EvalCommand.threads
}
