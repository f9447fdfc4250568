import Testing
@testable import PromptFile

/// Parses `text` and returns the value of `key` in the top-level mapping.
func yamlValue(_ text: String, _ key: String = "k") throws -> YAMLValue? {
    try YAML.parse(text)?[key]?.value
}

@Suite struct YAMLScalarTests {
    @Test func plainScalarsResolveByCoreSchema() throws {
        #expect(try yamlValue("k: hello world") == .string("hello world"))
        #expect(try yamlValue("k: 42") == .int(42))
        #expect(try yamlValue("k: -17") == .int(-17))
        #expect(try yamlValue("k: +5") == .int(5))
        #expect(try yamlValue("k: 0x1F") == .int(31))
        #expect(try yamlValue("k: 0o17") == .int(15))
        #expect(try yamlValue("k: 0o19") == .string("0o19"))
        #expect(try yamlValue("k: 3.25") == .double(3.25))
        #expect(try yamlValue("k: -1.5e3") == .double(-1500))
        #expect(try yamlValue("k: .5") == .double(0.5))
        #expect(try yamlValue("k: 1.") == .double(1))
        #expect(try yamlValue("k: .inf") == .double(.infinity))
        #expect(try yamlValue("k: -.Inf") == .double(-.infinity))
        if case .double(let nan) = try yamlValue("k: .nan") { #expect(nan.isNaN) } else { Issue.record("not a double") }
        #expect(try yamlValue("k: true") == .bool(true))
        #expect(try yamlValue("k: False") == .bool(false))
        #expect(try yamlValue("k: ~") == .null)
        #expect(try yamlValue("k: null") == .null)
        #expect(try yamlValue("k:") == .null)
        #expect(try yamlValue("k: off") == .string("off"))
        #expect(try yamlValue("k: yes") == .string("yes"))
        #expect(try yamlValue("k: 1.2.3") == .string("1.2.3"))
    }

    @Test func plainScalarsKeepInnerIndicators() throws {
        #expect(try yamlValue("k: a:b#c") == .string("a:b#c"))
        #expect(try yamlValue("k: http://x.org/a#frag # comment") == .string("http://x.org/a#frag"))
        #expect(try yamlValue("k: -x") == .string("-x"))
        #expect(try yamlValue("k: value   ") == .string("value"))
    }

    @Test func multiLinePlainScalarsFold() throws {
        #expect(try yamlValue("k: one\n  two\n\n  three\n") == .string("one two\nthree"))
        #expect(try yamlValue("k: 12\n  34\n") == .string("12 34"))
    }

    @Test func singleQuoted() throws {
        #expect(try yamlValue("k: 'it''s # not a comment'") == .string("it's # not a comment"))
        #expect(try yamlValue("k: 'a\n  b\n\n  c'") == .string("a b\nc"))
        #expect(try yamlValue("k: ''") == .string(""))
        #expect(try yamlValue("k: '42'") == .string("42"))
    }

    @Test func doubleQuotedEscapes() throws {
        #expect(try yamlValue(#"k: "a\tb\nc\\d\"e\/f""#) == .string("a\tb\nc\\d\"e/f"))
        #expect(try yamlValue(#"k: "\0\a\b\v\f\r\e\ \N\_\L\P""#) == .string("\u{0}\u{7}\u{8}\u{B}\u{C}\r\u{1B} \u{85}\u{A0}\u{2028}\u{2029}"))
        #expect(try yamlValue(#"k: "\x41\xe9""#) == .string("Aé"))
        #expect(try yamlValue(#"k: "\u00e9\u4e2d""#) == .string("é中"))
        #expect(try yamlValue(#"k: "\U0001F600""#) == .string("😀"))
        #expect(try yamlValue(#"k: "\ud83d\ude00""#) == .string("😀"))
        #expect(try yamlValue("k: \"tab\\\tx\"") == .string("tab\tx"))
    }

    @Test func doubleQuotedLineFolding() throws {
        #expect(try yamlValue("k: \"one\n  two\n\n  three\"") == .string("one two\nthree"))
        #expect(try yamlValue("k: \"join\\\n  ed\"") == .string("joined"))
        #expect(try yamlValue("k: \"keep \\\n  space\"") == .string("keep space"))
    }

    @Test func commentsAndBlankLines() throws {
        let node = try YAML.parse("# top\n\na: 1 # one\n  # indented comment\n\nb: 2\n# end\n")
        #expect(node?["a"]?.value == .int(1))
        #expect(node?["b"]?.value == .int(2))
        #expect(try YAML.parse("# only a comment\n\n") == nil)
        #expect(try YAML.parse("") == nil)
    }

    @Test func rangesPointAtValues() throws {
        let node = try #require(try YAML.parse("a: 1\nbee: \"x\"\n"))
        let entry = try #require(node.entries?[1])
        #expect(entry.keyRange.start.line == 1)
        #expect(entry.keyRange.start.utf8Column == 0)
        #expect(entry.keyRange.end.utf8Column == 3)
        #expect(entry.value.range.start.utf8Column == 5)
        #expect(entry.value.range.end.utf8Column == 8)
        #expect(entry.value.range.start.offset == 10)
    }
}
