/// Which demonstrations can be scored while a file has errors. A typo in one turn tag must not
/// hide the scores of every other demonstration, but an error elsewhere (the frontmatter, a
/// marker) can change what the task or the region is, so then nothing is scored.
extension PromptDocument {
    /// Every demonstration in a file without errors; in a file whose errors all lie inside the
    /// region (between its markers), the demonstrations no error touches; none otherwise.
    public var scorableDemonstrations: [ParsedDemonstration] {
        let errors = self.errors
        guard !errors.isEmpty else { return demonstrations }
        guard let content = region?.content.bytes else { return [] }
        var spans: [Range<Int>] = []
        for error in errors {
            guard let span = error.range?.bytes, content.lowerBound <= span.lowerBound,
                  span.upperBound <= content.upperBound else { return [] }
            spans.append(span)
        }
        return demonstrations.filter { demonstration in
            let own = demonstration.range.bytes
            return !spans.contains { $0.lowerBound < own.upperBound && own.lowerBound < max($0.upperBound, $0.lowerBound + 1) }
        }
    }
}
