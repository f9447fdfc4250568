extension VSynthCLI {
    /// The README's CLI reference: the overview and every command's `--help`, as Markdown.
    /// `vsynth help --markdown` prints it; scripts/cli-reference.sh puts it into README.md and
    /// CLITests checks that README.md holds exactly this text.
    public static var referenceMarkdown: String {
        var parts = ["```text\n$ vsynth --help\n" + trimmingNewlines(overview) + "\n```\n"]
        for command in commands {
            parts.append("#### `vsynth \(command.spec.path.joined(separator: " "))`\n\n```text\n"
                         + trimmingNewlines(command.spec.help) + "\n```\n")
        }
        return parts.joined(separator: "\n")
    }

    private static func trimmingNewlines(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
