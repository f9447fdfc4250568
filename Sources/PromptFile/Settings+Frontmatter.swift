import LanguageModel

/// Reading `Settings` out of the frontmatter mapping, with a diagnostic for every wrong value.
extension Settings {
    /// One `vsynth` setting as written: its key (without `vsynth.`), the key as the user wrote
    /// it (for messages), where the key is, and the value.
    struct Entry {
        var key: String
        var written: String
        var keyRange: SourceRange
        var value: YAMLNode
    }

    /// Collects the `vsynth` entries from the three places they may be written.
    static func entries(in frontmatter: [YAMLEntry], diagnostics: inout [PromptFileError]) -> [Entry] {
        var found: [Entry] = []
        func nested(_ node: YAMLNode, prefix: String, name: String) {
            switch node.value {
            case .null: return
            case .mapping(let entries):
                for entry in entries {
                    found.append(Entry(key: entry.key, written: prefix + entry.key, keyRange: entry.keyRange, value: entry.value))
                }
            default:
                diagnostics.append(.settingType(key: name, expected: "a mapping", found: node.value.kindDescription, at: node.range))
            }
        }
        for entry in frontmatter {
            if entry.key == "vsynth" {
                nested(entry.value, prefix: "vsynth.", name: "vsynth")
            } else if entry.key.hasPrefix("vsynth.") {
                let key = String(entry.key.dropFirst("vsynth.".count))
                found.append(Entry(key: key, written: entry.key, keyRange: entry.keyRange, value: entry.value))
            } else if entry.key == "ext", let ext = entry.value.entries {
                for inner in ext where inner.key == "vsynth" {
                    nested(inner.value, prefix: "ext.vsynth.", name: "ext.vsynth")
                }
            }
        }
        return found
    }

    /// Reads the settings; wrong types and values become errors, unknown keys warnings.
    static func read(frontmatter: [YAMLEntry], diagnostics: inout [PromptFileError]) -> Settings {
        var settings = Settings()
        var first: [String: SourceRange] = [:]
        for entry in entries(in: frontmatter, diagnostics: &diagnostics) {
            guard knownKeys.contains(entry.key) else {
                diagnostics.append(.unknownSetting(key: entry.written, suggestion: suggestion(for: entry.key), at: entry.keyRange))
                continue
            }
            if let earlier = first[entry.key] {
                diagnostics.append(.settingRepeated(key: "vsynth.\(entry.key)", at: entry.keyRange, first: earlier))
                continue
            }
            first[entry.key] = entry.keyRange
            if case .null = entry.value.value { continue }
            if let problem = settings.apply(entry) {
                diagnostics.append(problem)
            } else {
                settings.ranges[entry.key] = entry.value.range
            }
        }
        return settings
    }

    /// Stores one entry's value; returns the error if its type or value is wrong.
    mutating func apply(_ entry: Entry) -> PromptFileError? {
        let value = entry.value
        func typeError(_ expected: String) -> PromptFileError {
            .settingType(key: entry.written, expected: expected, found: value.value.kindDescription, at: value.range)
        }
        switch entry.key {
        case "task":
            guard let text = value.string else { return typeError("a string") }
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty else { return .settingValue(key: entry.written, problem: "is empty", at: value.range) }
            task = trimmed
        case "count", "seed":
            guard case .int(let number) = value.value else { return typeError("an integer") }
            let range = entry.key == "count" ? Limits.count : Limits.seed
            guard range.contains(number) else {
                return .settingValue(key: entry.written, problem: "must be in \(Limits.text(range)), found \(number)", at: value.range)
            }
            if entry.key == "count" { count = number } else { seed = number }
        case "threshold":
            let number: Double
            switch value.value {
            case .int(let integer): number = Double(integer)
            case .double(let double): number = double
            default: return typeError("a number (nats)")
            }
            guard Limits.threshold.contains(number) else {
                let found = number.isNaN ? ".nan" : number.isInfinite ? (number < 0 ? "-.inf" : ".inf") : "\(number)"
                return .settingValue(key: entry.written, problem: "must be a finite number in \(Limits.text(Limits.threshold)), found \(found)",
                                     at: value.range)
            }
            threshold = number
        case "refresh":
            let choices = Refresh.allCases.map(\.rawValue).joined(separator: " | ")
            // YAML 1.1 runtimes (PyYAML, so dotpromptz) read `refresh: off` as false: a file
            // written `refresh: false` for them means off. `true` names no mode, so it stays an error.
            if case .bool(false) = value.value {
                refresh = .off
                return nil
            }
            guard let text = value.string else { return typeError("one of \(choices) (or false, meaning off)") }
            guard let mode = Refresh(rawValue: text) else {
                return .settingValue(key: entry.written, problem: "must be one of \(choices), found '\(text)'", at: value.range)
            }
            refresh = mode
        case "model", "backend":
            guard let text = value.string else { return typeError("a string") }
            guard !text.isEmpty else { return .settingValue(key: entry.written, problem: "is empty", at: value.range) }
            if entry.key == "model" { model = text } else { backend = text }
        case "frame":
            let choices = ChatTemplate.Kind.names.joined(separator: " | ")
            guard let text = value.string else { return typeError("one of \(choices)") }
            guard let kind = ChatTemplate.Kind(rawValue: text) else {
                return .settingValue(key: entry.written, problem: "must be one of \(choices), found '\(text)'", at: value.range)
            }
            frame = kind
        case "input_label", "output_label":
            guard let text = value.string else { return typeError("a string") }
            guard !text.isEmpty, !text.contains(where: \.isNewline) else {
                return .settingValue(key: entry.written, problem: "must be a non-empty single line", at: value.range)
            }
            if entry.key == "input_label" { inputLabel = text } else { outputLabel = text }
        case "labels":
            return applyLabels(entry)
        default:
            break
        }
        return nil
    }

    /// `vsynth.labels`: a sequence of at least two distinct one-line strings; each error points at
    /// the offending item (or the whole value when it is not a sequence).
    mutating func applyLabels(_ entry: Entry) -> PromptFileError? {
        guard case .sequence(let items) = entry.value.value else {
            return .settingType(key: entry.written, expected: "a list of strings", found: entry.value.kindDescription,
                                at: entry.value.range)
        }
        var found: [String] = []
        for (index, item) in items.enumerated() {
            let name = "\(entry.written)[\(index)]"
            guard let text = item.string else {
                return .settingType(key: name, expected: "a string", found: item.kindDescription, at: item.range)
            }
            let label = text.trimmingWhitespace()
            guard !label.isEmpty, !label.contains(where: \.isNewline) else {
                return .settingValue(key: name, problem: "must be a non-empty single line", at: item.range)
            }
            guard !found.contains(where: { $0.lowercased() == label.lowercased() }) else {
                return .settingValue(key: name, problem: "repeats the label '\(label)'", at: item.range)
            }
            found.append(label)
        }
        guard found.count >= 2 else {
            return .settingValue(key: entry.written, problem: "must list at least two labels, found \(found.count)",
                                 at: entry.value.range)
        }
        labels = found
        return nil
    }

    /// The known key closest to a misspelt one (edit distance ≤ 2), for the warning.
    static func suggestion(for key: String) -> String? {
        let best = knownKeys.map { ($0, editDistance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2 else { return nil }
        return "vsynth.\(best.0)"
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
