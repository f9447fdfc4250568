import Testing
@testable import PromptFile

/// The error `text` gives, or nil if it parses.
func yamlError(_ text: String) -> PromptFileError? {
    do {
        _ = try YAML.parse(text)
        return nil
    } catch {
        return error
    }
}

/// 1-based (line, column) of an error's start.
func place(_ error: PromptFileError?) -> (Int, Int)? {
    guard let range = error?.range else { return nil }
    return (range.start.line + 1, range.start.utf8Column + 1)
}

@Suite struct YAMLErrorTests {
    @Test func unsupportedFeatures() {
        for (text, feature, line, column) in [
            ("a: &anchor 1", "anchors", 1, 4),
            ("a: *alias", "aliases", 1, 4),
            ("a: !!str 1", "tags", 1, 4),
            ("a: 1\n---\nb: 2", "several documents", 2, 1),
            ("a: 1\n...\n", "several documents", 2, 1),
            ("%YAML 1.2\na: 1", "directives", 1, 1),
            ("? complex\n: key", "complex mapping keys", 1, 1),
            ("[a, b]: 1", "flow collections", 1, 1),
        ] {
            let error = yamlError(text)
            guard case .yamlUnsupported(let what, _) = error else {
                Issue.record("\(text.debugDescription): expected unsupported \(feature), got \(String(describing: error))")
                continue
            }
            #expect(what.contains(feature))
            #expect(place(error)! == (line, column), "\(text.debugDescription)")
        }
    }

    @Test func tabsAsIndentation() {
        let error = yamlError("a:\n\tb: 1\n")
        guard case .yamlTabIndentation = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(place(error)! == (2, 1))
        #expect(error!.message.contains("tabs"))
        guard case .yamlTabIndentation = yamlError("a:\n  \tb: 1\n") else { Issue.record("space+tab"); return }
    }

    @Test func duplicateKeys() {
        let error = yamlError("a: 1\nb: 2\na: 3\n")
        guard case .yamlDuplicateKey(let key, let at, let first) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(key == "a")
        #expect(at.start.line == 2)
        #expect(first.start.line == 0)
        #expect(error!.message == "yaml: duplicate key 'a' (first defined at 1:1)")
        guard case .yamlDuplicateKey = yamlError("m: {x: 1, x: 2}") else { Issue.record("flow duplicate"); return }
        guard case .yamlDuplicateKey = yamlError("outer:\n  x: 1\n  x: 2\n") else { Issue.record("nested duplicate"); return }
    }

    @Test func unterminatedQuotes() {
        let double = yamlError("a: \"open\nb: 2\n")
        guard case .yamlUnterminated(let what, _) = double else { Issue.record("got \(String(describing: double))"); return }
        #expect(what.hasPrefix("double-quoted string"))
        #expect(place(double)! == (1, 4))
        let single = yamlError("a: 'open")
        guard case .yamlUnterminated = single else { Issue.record("single: \(String(describing: single))"); return }
        #expect(place(single)! == (1, 4))
        guard case .yamlUnterminated = yamlError("a: [1, 2\nb: 3") else { Issue.record("flow sequence"); return }
        guard case .yamlUnterminated = yamlError("a: {x: 1") else { Issue.record("flow mapping"); return }
        guard case .yamlUnterminated = yamlError("a: \"x\\") else { Issue.record("escape at end"); return }
    }

    @Test func invalidEscapes() {
        for (text, column) in [(#"a: "bad \q""#, 9), (#"a: "\x4""#, 5), (#"a: "\uD800x""#, 5), (#"a: "\U00110000""#, 5)] {
            let error = yamlError(text)
            guard case .yamlInvalidEscape = error else { Issue.record("\(text): \(String(describing: error))"); continue }
            #expect(place(error)! == (1, column), "\(text)")
        }
    }

    @Test func syntaxErrors() {
        for (text, line, column) in [
            ("a: b: c", 1, 5),
            ("a: 1\n  b: 2", 2, 4),
            ("a:\n  - 1\n  b: 2", 3, 3),
            ("a: \"x\" y", 1, 8),
            ("a: [1, \"x\" y]", 1, 12),
            ("a: - 1", 1, 4),
            ("a: 1\nplain line", 2, 1),
            ("a: @x", 1, 4),
            ("a: |x\n  t", 1, 5),
            ("key:value\nb: 1", 2, 2),
        ] {
            let error = yamlError(text)
            guard let error, error.range != nil else { Issue.record("\(text.debugDescription) parsed"); continue }
            #expect(place(error)! == (line, column), "\(text.debugDescription): \(error)")
        }
    }

    @Test func numbersOutOfRange() {
        guard case .yamlNumberOutOfRange = yamlError("a: 99999999999999999999") else { Issue.record("int"); return }
        guard case .yamlNumberOutOfRange = yamlError("a: 0xFFFFFFFFFFFFFFFFFF") else { Issue.record("hex"); return }
        guard case .yamlNumberOutOfRange = yamlError("a: 1e999") else { Issue.record("float"); return }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "a: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        guard case .yamlSyntax(let message, _) = yamlError(deep) else { Issue.record("no error"); return }
        #expect(message.contains("nesting"))
    }
}
