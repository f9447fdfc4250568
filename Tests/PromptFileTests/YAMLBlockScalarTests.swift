import Testing
@testable import PromptFile

@Suite struct YAMLBlockScalarTests {
    @Test func literalWithChomping() throws {
        #expect(try yamlValue("k: |\n  a\n   b\n\n  c\n\n\nn: 1") == .string("a\n b\n\nc\n"))
        #expect(try yamlValue("k: |-\n  a\n  b\n\nn: 1") == .string("a\nb"))
        #expect(try yamlValue("k: |+\n  a\n  b\n\n\nn: 1") == .string("a\nb\n\n\n"))
        #expect(try yamlValue("k: |\n  last line without break") == .string("last line without break"))
    }

    @Test func foldedWithChomping() throws {
        #expect(try yamlValue("k: >\n  one\n  two\n\n  three\n    indented\n  four\n") == .string("one two\nthree\n  indented\nfour\n"))
        #expect(try yamlValue("k: >-\n  one\n  two\n") == .string("one two"))
        #expect(try yamlValue("k: >+\n  one\n\n") == .string("one\n\n"))
    }

    @Test func explicitIndentation() throws {
        #expect(try yamlValue("k: |2\n    four spaces\n  two\n") == .string("  four spaces\ntwo\n"))
        #expect(try yamlValue("k: |-2\n   x\n") == .string(" x"))
        #expect(try yamlValue("k: |2-\n   x\n") == .string(" x"))
    }

    @Test func commentOnHeaderAndNestedUse() throws {
        let node = try #require(try YAML.parse("outer:\n  inner: | # note\n    text\n    more\n  next: 1\n"))
        #expect(node["outer"]?["inner"]?.value == .string("text\nmore\n"))
        #expect(node["outer"]?["next"]?.value == .int(1))
    }

    @Test func emptyBlockScalar() throws {
        #expect(try yamlValue("k: |\nn: 1") == .string(""))
        #expect(try yamlValue("k: >-\n\nn: 1") == .string(""))
    }

    @Test func blockScalarInSequence() throws {
        let node = try #require(try YAML.parse("items:\n  - |\n    a\n    b\n  - c\n"))
        #expect(node["items"]?.entriesOrItems.map(\.value) == [.string("a\nb\n"), .string("c")])
    }
}
