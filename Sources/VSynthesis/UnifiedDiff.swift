/// A unified diff (`diff -u` layout) between two texts, for `vsynth synthesize --diff`. VSynth's
/// edits touch one contiguous region, so the diff is the lines between the common head and the common
/// tail, with `context` lines around it, as one hunk (none when the texts are equal).
public enum UnifiedDiff {
    public static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        if head == a.count, head == b.count { return "" }
        let start = max(0, head - context)
        let aEnd = min(a.count, a.count - tail + context)
        let bEnd = min(b.count, b.count - tail + context)
        func range(_ begin: Int, _ end: Int) -> String {
            let count = end - begin
            // An empty range names the line before it, as diff does.
            return count == 0 ? "\(begin),0" : count == 1 ? "\(begin + 1)" : "\(begin + 1),\(count)"
        }
        var out = "--- \(oldName)\n+++ \(newName)\n@@ -\(range(start, aEnd)) +\(range(start, bEnd)) @@\n"
        for line in a[start..<head] { out += " " + line.text + line.newline }
        for line in a[head..<(a.count - tail)] { out += "-" + line.text + line.newline }
        for line in b[head..<(b.count - tail)] { out += "+" + line.text + line.newline }
        for line in a[(a.count - tail)..<aEnd] { out += " " + line.text + line.newline }
        return out
    }

    struct Line: Equatable {
        var text: String
        var hasBreak: Bool
        var newline: String { hasBreak ? "\n" : "\n\\ No newline at end of file\n" }
    }

    static func lines(_ text: String) -> [Line] {
        var result: [Line] = []
        var current = Substring(text)
        while let index = current.firstIndex(of: "\n") {
            result.append(Line(text: String(current[..<index]), hasBreak: true))
            current = current[current.index(after: index)...]
        }
        if !current.isEmpty { result.append(Line(text: String(current), hasBreak: false)) }
        return result
    }
}
