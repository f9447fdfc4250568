import Testing
@testable import JSONSchema

/// The GBNF form of a schema (for servers constrained by a grammar, e.g. llama-cpp-python): that
/// the grammar works on a real server is `BackendsTests/ConstraintProbeTests`; here, its shape.
@Suite struct GBNFTests {
    @Test func propertiesInOrderOptionalOnesSkippableWithTheirCommas() {
        let schema = Schema.object([
            SchemaProperty("a", .enumeration(["x", "y"])),
            SchemaProperty("b", .array(Schema(.integer), maxItems: 2), required: false),
            SchemaProperty("c", Schema(.string, nullable: true, maxLength: 4), required: false),
        ])
        let rules = schema.gbnf.split(separator: "\n").map(String.init)
        let a = #""\"a\"" ":" ws n0"#, b = #""\"b\"" ":" ws n2"#, c = #""\"c\"" ":" ws n3"#
        #expect(Array(rules.prefix(9)) == [
            "root ::= n7",
            #"n0 ::= "\"x\"" | "\"y\"""#,
            "n1 ::= integer",
            #"n2 ::= "[" ws (n1 ("," ws n1){0,1})? ws "]""#,
            #"n3 ::= ("\"" char{0,4} "\"") | "null""#,
            "n4 ::= (\(c))?",
            #"n5 ::= \#(b) ("," ws \#(c))? | n4"#,
            #"n6 ::= \#(a) ("," ws \#(b))? ("," ws \#(c))?"#,
            #"n7 ::= "{" ws n6 ws "}""#,
        ])
        // The shared JSON rules follow, once.
        #expect(rules.filter { $0.hasPrefix("string ::=") }.count == 1)
        #expect(rules.contains(#"ws ::= " "?"#))
    }

    @Test func keysAndEnumValuesAreQuotedAsJSONWritesThem() {
        let schema = Schema.object([SchemaProperty("say \"hi\"", .enumeration([#"a\b"#]))])
        #expect(schema.gbnf.contains(#"n0 ::= "\"a\\\\b\"""#))
        #expect(schema.gbnf.contains(#""\"say \\\"hi\\\"\"" ":" ws n0"#))
    }
}
