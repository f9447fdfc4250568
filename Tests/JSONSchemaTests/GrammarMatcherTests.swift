import Testing
import JSONSchema

@Suite struct GrammarMatcherTests {
    func generation(_ schema: Schema) throws -> JSONGrammarMatcher {
        JSONGrammarMatcher(grammar: try JSONGrammar(schema: schema), mode: .generation)
    }

    func accepts(_ schema: Schema, _ text: String) throws -> Bool {
        var matcher = try generation(schema)
        return matcher.feed(text.utf8)
    }

    @Test func generationKeepsTheWrittenOrderAndSkipsOnlyOptionalProperties() throws {
        #expect(try accepts(SchemaFixtures.person, #"{"name": "a", "age": 3, "tags": ["x"], "kind": "b"}"#))
        #expect(try accepts(SchemaFixtures.person, #"{"name": "a", "tags": [], "kind": "a"}"#))
        #expect(try !accepts(SchemaFixtures.person, #"{"tags": []"#))          // skips required 'name'
        #expect(try !accepts(SchemaFixtures.person, #"{"name": "a", "kind""#))  // skips required 'tags'
        #expect(try !accepts(SchemaFixtures.person, #"{"name": "a", "zz"#))      // not a property
    }

    @Test func generationBoundsWhitespaceAndForbidsNewlines() throws {
        #expect(try !accepts(SchemaFixtures.label, "{\n"))
        #expect(try !accepts(SchemaFixtures.label, "{ "))
        #expect(try !accepts(SchemaFixtures.label, #"{"label" :"#))
        #expect(try !accepts(SchemaFixtures.label, #"{"label":  "#))
        #expect(try !accepts(SchemaFixtures.label, #"{"label": "positive" ,"#))
        #expect(try !accepts(SchemaFixtures.person, #"{"name": "a", "tags": [ "#))
        #expect(try accepts(SchemaFixtures.label, #"{"label": "positive", "confidence": 1}"#))
        #expect(try accepts(SchemaFixtures.person, #"{"name":"a","tags":["x", "y"],"kind":"a"}"#))
    }

    @Test func generationBoundsStringsAndArrays() throws {
        #expect(try !accepts(Schema(.string), "\"" + String(repeating: "a", count: JSONGrammarMatcher.maxStringBytes + 1)))
        #expect(try accepts(Schema(.string), "\"" + String(repeating: "a", count: JSONGrammarMatcher.maxStringBytes) + "\""))
        let items = Array(repeating: "1", count: JSONGrammarMatcher.maxArrayItems + 1).joined(separator: ",")
        #expect(try !accepts(.array(Schema(.integer)), "[" + items + "]"))
    }

    @Test func completionAndClosing() throws {
        var matcher = try generation(SchemaFixtures.label)
        let body = matcher.feed(#"{"label": "negative", "confidence": 0.25"#.utf8)
        #expect(body && !matcher.isComplete)
        let brace = matcher.feed(UInt8(ascii: "}"))
        #expect(brace && matcher.isComplete && matcher.isClosed)
        let after = matcher.feed(UInt8(ascii: " "))
        #expect(!after)   // nothing after a closed document when generating

        var number = try generation(Schema(.integer))
        let digits = number.feed("42".utf8)
        #expect(digits && number.isComplete && !number.isClosed)
        var word = try generation(.enumeration(["yes", "no"]))
        let no = word.feed("\"no\"".utf8)
        #expect(no && word.isClosed)
    }

    /// Random walks through the grammar: at each step a random byte the matcher accepts. Every
    /// finished walk must validate, which ties the generation grammar to the validator.
    @Test(arguments: [SchemaFixtures.person, SchemaFixtures.event, SchemaFixtures.label])
    func everyWalkTheGrammarAllowsValidates(schema: Schema) throws {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array(" {}[]\",:-+0123456789.eEabcdefghijklmnopqrstuvwxyz_\\@/".utf8)
        var finished = 0
        for _ in 0..<200 {
            var matcher = try generation(schema)
            var text: [UInt8] = []
            for _ in 0..<400 {
                if matcher.isClosed { break }
                let allowed = alphabet.filter { var copy = matcher; return copy.feed($0) }
                if allowed.isEmpty { break }
                // Prefer closing bytes now and then so that walks finish.
                let closers = allowed.filter { [UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: "\"")].contains($0) }
                let byte = (!closers.isEmpty && Int.random(in: 0..<4, using: &random) == 0)
                    ? closers.randomElement(using: &random)! : allowed.randomElement(using: &random)!
                let fed = matcher.feed(byte)
                #expect(fed)
                text.append(byte)
            }
            guard matcher.isClosed else { continue }
            finished += 1
            let document = String(decoding: text, as: UTF8.self)
            #expect(try schema.violation(in: document) == nil, "\(document)")
        }
        #expect(finished > 50)
    }
}
