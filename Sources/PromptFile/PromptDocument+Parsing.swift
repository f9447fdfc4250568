/// The parse pipeline: bytes → frontmatter → settings and task → body → region → demonstrations.
extension PromptDocument {
    mutating func parse() {
        let bytes = lines.bytes
        if let bigEndian = UTF8Check.utf16(bytes) {
            report(.utf16(bigEndian: bigEndian, at: lines.range(0..<min(2, bytes.count))))
            return
        }
        if let bad = UTF8Check.firstInvalid(bytes) {
            report(.invalidUTF8(at: lines.range(bad..<bad + 1)))
            return
        }
        if let bad = UTF8Check.firstControl(bytes) {
            report(.controlCharacter(bytes[bad], at: lines.range(bad..<bad + 1)))
            return
        }
        let bodyStart = splitFrontmatter()
        bodyRange = lines.range(bodyStart..<bytes.count)
        if frontmatterRange == nil, !hasErrors {
            report(.missingTask(at: lines.range(bodyStart..<bodyStart)))
        }
        parseRegion()
        diagnostics.sort { ($0.range?.start.offset ?? -1) < ($1.range?.start.offset ?? -1) }
    }

    /// Finds and parses the frontmatter; returns where the body starts.
    mutating func splitFrontmatter() -> Int {
        let bytes = lines.bytes
        var start = 0
        while bytes[start...].starts(with: UTF8Check.byteOrderMark) { start += 3 }
        if start > 3 {
            // Never a silent change of meaning: with the extra mark the frontmatter would be body.
            report(.repeatedByteOrderMark(at: lines.range(0..<start)))
        }
        guard isDelimiterLine(at: start) else { return start }
        let yamlStart = lines.lineStarts.first { $0 > start } ?? bytes.count
        var closing: Int?
        for lineStart in lines.lineStarts where lineStart >= yamlStart && lineStart < bytes.count {
            if isDelimiterLine(at: lineStart) { closing = lineStart; break }
        }
        guard let closing else {
            report(.unterminatedFrontmatter(at: lines.range(start..<start + 3)))
            return bytes.count
        }
        let closingLine = lines.line(of: closing)
        let bodyStart = closingLine + 1 < lines.lineCount ? lines.lineStarts[closingLine + 1] : bytes.count
        frontmatterRange = lines.range(start..<bodyStart)
        do {
            let node = try YAML.parse(lines: lines, span: yamlStart..<closing)
            readFrontmatter(node, span: yamlStart..<closing)
        } catch {
            report(error)
        }
        return bodyStart
    }

    /// A line that is exactly `---` (trailing spaces allowed).
    func isDelimiterLine(at index: Int) -> Bool {
        let bytes = lines.bytes
        guard index + 3 <= bytes.count, bytes[index] == 0x2D, bytes[index + 1] == 0x2D, bytes[index + 2] == 0x2D else { return false }
        var i = index + 3
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i == bytes.count || bytes[i] == 0x0A || bytes[i] == 0x0D
    }

    /// Settings and task from the parsed frontmatter.
    mutating func readFrontmatter(_ node: YAMLNode?, span: Range<Int>) {
        var problems: [PromptFileError] = []
        defer { problems.forEach { report($0) } }
        guard let node else {
            problems.append(.missingTask(at: lines.range(span.lowerBound..<span.lowerBound)))
            return
        }
        guard let entries = node.entries else {
            problems.append(.frontmatterNotMapping(found: node.value.kindDescription, at: node.range))
            return
        }
        frontmatter = node
        settings = Settings.read(frontmatter: entries, diagnostics: &problems)
        readSchemas(node, problems: &problems)
        if let text = settings.task, let range = settings.ranges["task"] {
            task = TaskDefinition(text: text, range: range, source: .vsynthTask)
        } else if let description = node["description"], description.value != .null {
            if let text = description.string, !text.trimmingWhitespace().isEmpty {
                task = TaskDefinition(text: text.trimmingWhitespace(), range: description.range, source: .description)
            } else if description.string == nil {
                problems.append(.settingType(key: "description", expected: "a string", found: description.value.kindDescription, at: description.range))
            }
        }
        if task == nil, !problems.contains(where: { !$0.isWarning }) {
            let at = node.range.start.offset
            problems.append(.missingTask(at: lines.range(at..<at)))
        }
    }
}
