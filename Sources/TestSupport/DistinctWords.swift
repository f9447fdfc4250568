/// Words for the texts of scripted test models. Those texts must differ in most of their words, as
/// a model's do, or the synthesizer's near-duplicate filter (token Jaccard above 0.6) drops them.
public enum DistinctWords {
    public static let all = ["river", "garden", "letter", "window", "violin", "harbour", "lantern", "meadow",
                             "candle", "mirror", "orchard", "compass", "blanket", "thunder", "pebble", "ribbon"]

    /// The word at `index`, cycling through `all`.
    public static func word(_ index: Int) -> String { all[index % all.count] }
}
