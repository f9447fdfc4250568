import Foundation
import Testing
import JSONSchema

@Suite struct SchemaValidationTests {
    func violation(_ schema: Schema, _ text: String) throws -> SchemaViolation? {
        try schema.violation(in: text)
    }

    @Test func acceptsValidDocumentsInAnyOrderAndWhitespace() throws {
        #expect(try violation(SchemaFixtures.person, #"{"name": "Ann", "tags": [], "kind": "a"}"#) == nil)
        #expect(try violation(SchemaFixtures.person, "{\n  \"kind\": \"b\",\n  \"tags\": [\"x\", \"y\\n\\u00e9\"],\n  \"age\": 41, \"name\": \"Bo\"\n}\n") == nil)
        #expect(try violation(SchemaFixtures.event, #"{"title":"t","people":[{"email":"a@b.c","vip":true}],"when":{"day":"tue"},"score":-1.5e3}"#) == nil)
        #expect(try violation(SchemaFixtures.label, #"{"label":"neutral","confidence":0.5,"note":null}"#) == nil)
        #expect(try violation(Schema(.any), #"[1, {"a": [true, null, "x"]}, -0.5]"#) == nil)
    }

    @Test func missingRequiredPropertyIsReportedAtTheClosingBrace() throws {
        let text = #"{"name": "Ann", "tags": []}"#
        let problem = try #require(try violation(SchemaFixtures.person, text))
        #expect(problem.message == "missing required property 'kind'")
        #expect(problem.offset == text.utf8.count - 1)
        #expect(problem.valueStart == 0)
    }

    @Test func wrongEnumValueNamesItsPathAndStart() throws {
        let text = #"{"title": "x", "when": {"day": "fri"}, "people": []}"#
        let problem = try #require(try violation(SchemaFixtures.event, text))
        #expect(problem.path == "when.day")
        #expect(problem.message == #"expected one of "mon", "tue", "wed""#)
        let start = text.utf8.count - text.split(separator: "\"fri\"")[1].utf8.count - 5
        #expect(problem.valueStart == start)
    }

    @Test func wrongTypesUnknownKeysAndDuplicatesAreRejected() throws {
        #expect(try violation(SchemaFixtures.person, #"{"name": 3}"#)?.message == "expected a string")
        #expect(try violation(SchemaFixtures.person, #"{"name": "a", "age": 1.5}"#)?.message == "expected an integer")
        #expect(try violation(SchemaFixtures.person, #"{"nam": "a"}"#)?.message.hasPrefix("expected one of the properties") == true)
        #expect(try violation(SchemaFixtures.person, #"{"colour": "a"}"#)?.message.hasPrefix("expected one of the properties") == true)
        #expect(try violation(SchemaFixtures.person, #"{"name": "a", "name": "b"}"#)?.message == "property 'name' is given twice")
        #expect(try violation(SchemaFixtures.person, #"{"name": "a",}"#)?.message == "expected a property name in double quotes")
        #expect(try violation(SchemaFixtures.event, #"{"title": "x", "people": [{"email": "e", "vip": 1}]}"#)?.path == "people[0].vip")
    }

    @Test func truncatedAndTrailingTextAreRejected() throws {
        let truncated = try #require(try violation(SchemaFixtures.person, #"{"name": "Ann", "#))
        #expect(truncated.message.hasPrefix("unexpected end of text"))
        #expect(truncated.offset == 16)
        #expect(try violation(SchemaFixtures.label, #"{"label":"neutral","confidence":1} x"#)?.message == "unexpected text after the json value")
        #expect(try violation(Schema(.string), "\"a\tb\"")?.message.hasPrefix("control character") == true)
        #expect(try violation(Schema(.number), "01")?.message == "unexpected text after the json value")
        #expect(try violation(Schema(.number), "12") == nil)
    }

    @Test func additionalPropertiesFollowTheSchema() throws {
        let open = Schema.object([SchemaProperty("a", Schema(.integer))], additionalProperties: true)
        #expect(try violation(open, #"{"a": 1, "extra": {"x": [1]}}"#) == nil)
        #expect(try violation(Schema.object([SchemaProperty("a", Schema(.integer))]), #"{"a": 1, "b": 2}"#) != nil)
    }

    @Test func tooManyAlternativesIsAnError() {
        let schema = Schema.enumeration((0..<65).map { "v\($0)" })
        #expect(throws: JSONSchemaError.tooManyAlternatives(count: 65, limit: 64)) { try schema.violation(in: "\"v1\"") }
    }

    @Test func jsonSchemaFormIsValidJSONWithPropertiesInOrder() throws {
        let text = SchemaFixtures.event.jsonSchema
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "object")
        #expect(object["required"] as? [String] == ["title", "people"])
        #expect(object["additionalProperties"] as? Bool == false)
        #expect(text.range(of: "\"title\"")!.lowerBound < text.range(of: "\"score\"")!.lowerBound)
        #expect(SchemaFixtures.label.jsonSchema.contains(#""note":{"type":["string","null"]}"#))
    }
}
