import Foundation
import JSONSchema
import PromptFile
/// Why a generated candidate was not added to the pool.
public enum DropReason: String, CaseIterable, Hashable, Sendable, Codable {
    /// The generation held no complete input/output pair in the expected layout.
    case unparseable
    /// A pair that cannot be a demonstration: chat-template markers, a value too long, a label line
    /// inside, the output label inside the input.
    case invalid
    /// The same input and output (ignoring case and spacing) as one already in the pool.
    case duplicate
    /// Token Jaccard with one already in the pool above the threshold.
    case nearDuplicate = "near-duplicate"
    /// The input or output restates the task definition.
    case copiesTask = "copies-task"
    /// The output does not validate against the file's JSON output schema.
    case schema
    /// The input gives its answer away: it names its own label, ends with its output, or carries an
    /// answer line such as "Sentiment: positive".
    case leak
    /// A labelled candidate whose best two labels score within `SynthesisOptions.labelMargin` nats:
    /// the model cannot tell which label its own input has, so the label is a guess.
    case ambiguous
}

/// Counts of dropped candidates by reason.
public struct DropCounts: Hashable, Sendable, Codable {
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    public subscript(reason: DropReason) -> Int { counts[reason.rawValue] ?? 0 }
    public mutating func add(_ reason: DropReason, _ count: Int = 1) { counts[reason.rawValue, default: 0] += count }
    public var total: Int { counts.values.reduce(0, +) }
    public mutating func merge(_ other: DropCounts) {
        for (key, value) in other.counts { counts[key, default: 0] += value }
    }
    /// "unparseable 3, leak 2" in `DropReason` order, or "none".
    public var summary: String {
        let parts = DropReason.allCases.compactMap { self[$0] > 0 ? "\($0.rawValue) \(self[$0])" : nil }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// Decides which parsed candidates join the pool. It remembers what the pool holds, so duplicates of
/// earlier rounds (and of the file's own demonstrations) are caught too.
public struct CandidateFilter: Sendable {
    /// Candidates whose word-set Jaccard with a pool member exceeds this are near duplicates.
    public var nearDuplicateThreshold: Double
    /// A value whose word-set Jaccard with T reaches this copies the task definition.
    public var copyThreshold: Double
    /// Longest accepted value, in characters.
    public var maxValueLength: Int
    public let task: String
    public let format: DemonstrationFormat
    private var seenExact: Set<String> = []
    private var seenWords: [Set<String>] = []
    private let taskWords: Set<String>
    private let taskKey: String

    public init(task: String, format: DemonstrationFormat,
                nearDuplicateThreshold: Double = SynthesisOptions().nearDuplicateThreshold,
                copyThreshold: Double = 0.8, maxValueLength: Int = 600) {
        self.task = task
        self.format = format
        self.nearDuplicateThreshold = nearDuplicateThreshold
        self.copyThreshold = copyThreshold
        self.maxValueLength = maxValueLength
        taskWords = Set(TextStatistics.words(task))
        taskKey = Self.normalized(task)
    }

    static func normalized(_ text: String) -> String {
        TextStatistics.words(text).joined(separator: " ")
    }

    /// Whether `input` gives its answer away. With a label set: the input holds its own label as a
    /// word (case-insensitive, "… Positive." for `positive`), or the output label followed by any
    /// label ("Sentiment: negative"). Without one: the input ends with its output, or holds the
    /// output label followed by the output; an output inside the input is not enough, since
    /// extraction tasks legitimately copy their answer out of the input.
    public static func leaks(input: String, output: String, outputLabel: String, labels: [String]) -> Bool {
        let inputWords = TextStatistics.words(input)
        let labelWords = TextStatistics.words(outputLabel)
        if !labels.isEmpty {
            let outputWords = answerWords(output)
            guard !outputWords.isEmpty else { return false }
            if contains(inputWords, run: outputWords) { return true }
            return labels.contains { contains(inputWords, run: labelWords + answerWords($0)) }
        }
        let outputWords = TextStatistics.words(output)
        guard !outputWords.isEmpty else { return false }
        if contains(inputWords, run: labelWords + outputWords) { return true }
        return inputWords.count > outputWords.count && Array(inputWords.suffix(outputWords.count)) == outputWords
    }

    /// The words a label says: those of its values when it is a JSON object (`{"verdict": "spam"}`
    /// says "spam"; its key is the schema's, not the answer), else its own.
    static func answerWords(_ label: String) -> [String] {
        guard label.hasPrefix("{"),
              let object = try? JSONSerialization.jsonObject(with: Data(label.utf8)) as? [String: Any] else {
            return TextStatistics.words(label)
        }
        return object.keys.sorted().flatMap { key in TextStatistics.words(object[key].map { "\($0)" } ?? "") }
    }

    /// Whether `text` holds `word` where no letter or digit comes right before it.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var rest = text[...]
        while let range = rest.range(of: word) {
            if range.lowerBound == text.startIndex { return true }
            let before = text[text.index(before: range.lowerBound)]
            if !before.isLetter && !before.isNumber { return true }
            rest = text[range.upperBound...]
        }
        return false
    }

    /// Whether `words` holds `run` as consecutive words.
    static func contains(_ words: [String], run: [String]) -> Bool {
        guard !run.isEmpty, run.count <= words.count else { return false }
        return (0...(words.count - run.count)).contains { Array(words[$0..<($0 + run.count)]) == run }
    }

    /// Registers a pool member (an existing demonstration) without judging it.
    public mutating func remember(_ demonstration: Demonstration) {
        let (x, y) = format.values(of: demonstration)
        seenExact.insert(Self.normalized(x) + "\u{1}" + Self.normalized(y))
        seenWords.append(Set(TextStatistics.words(x + " " + y)))
    }

    /// The reason `demonstration` must be dropped, or nil (and it is remembered) if it is accepted.
    public mutating func judge(_ demonstration: Demonstration) -> DropReason? {
        let (x, y) = format.values(of: demonstration)
        for value in [x, y] {
            if value.isEmpty || value.count > maxValueLength || value.contains("<|") || value.contains("|>") {
                return .invalid
            }
        }
        // A label line inside a value means the model ran two examples together.
        let outputPrefix = format.promptOutputLabel.lowercased() + ":"
        let labelPrefixes = [format.promptInputLabel.lowercased() + ":", outputPrefix]
        for line in (x + "\n" + y).split(separator: "\n") {
            let lowered = line.lowercased().trimmingWhitespace
            if labelPrefixes.contains(where: lowered.hasPrefix) { return .invalid }
        }
        // So does the output label inside the input, mid-line: `12.1.1, "Sport: 12.1.1"` or `Example of
        // the original task: "Polarity: How's it going"` is the model writing the prompt's layout.
        if Self.containsWord(outputPrefix, in: x.lowercased()) { return .invalid }
        if let schema = format.outputSchema, (try? schema.violation(in: y)) != nil { return .schema }
        // An input that is its own answer ("Neutral:" → "Neutral") demonstrates nothing.
        if Self.normalized(x) == Self.normalized(y) { return .invalid }
        // An input that is only a label ("negative" → positive) is no example of the task either.
        if format.labels.contains(where: { Self.normalized($0) == Self.normalized(x) }) { return .invalid }
        if Self.leaks(input: x, output: y, outputLabel: format.promptOutputLabel, labels: format.labels) { return .leak }
        for value in [x, y] {
            let key = Self.normalized(value)
            if !key.isEmpty, !taskKey.isEmpty, key.contains(taskKey) || taskKey == key { return .copiesTask }
            let words = Set(TextStatistics.words(value))
            if words.count >= 3, TextStatistics.jaccard(words, taskWords) >= copyThreshold { return .copiesTask }
        }
        let exact = Self.normalized(x) + "\u{1}" + Self.normalized(y)
        if seenExact.contains(exact) { return .duplicate }
        let words = Set(TextStatistics.words(x + " " + y))
        if seenWords.contains(where: { TextStatistics.jaccard($0, words) > nearDuplicateThreshold }) {
            return .nearDuplicate
        }
        seenExact.insert(exact)
        seenWords.append(words)
        return nil
    }
}
