import Testing
import JSONSchema
@testable import PromptFile

/// `input.schema` / `output.schema` in Picoschema and JSON Schema form, and their located errors.
@Suite struct SchemaTests {
    let task = "vsynth.task: extract"

    @Test func picoschemaReadsTypesDescriptionsOptionalsArraysObjectsAndEnums() throws {
        let document = dotprompt("""
        \(task)
        output:
          schema:
            name: string, the full name
            age?: integer
            tags(array, labels): string
            address(object):
              city: string
              zip?: string
            kind(enum): [a, b, 3]
            extra: any
        """, "body\n")
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.outputFormat == .json)
        let expected = Schema.object([
            SchemaProperty("name", Schema(.string, description: "the full name")),
            SchemaProperty("age", Schema(.integer, nullable: true), required: false),
            SchemaProperty("tags", Schema(.array(items: Schema(.string)), description: "labels")),
            SchemaProperty("address", .object([
                SchemaProperty("city", Schema(.string)),
                SchemaProperty("zip", Schema(.string, nullable: true), required: false),
            ])),
            SchemaProperty("kind", Schema(.enumeration([.string("a"), .string("b"), .number("3")]))),
            SchemaProperty("extra", Schema(.any)),
        ])
        #expect(document.outputSchema == expected)
        #expect(document.jsonOutputSchema == expected)
    }

    @Test func jsonSchemaFormReadsTypePropertiesRequiredEnumAndItems() throws {
        let document = dotprompt("""
        \(task)
        input:
          schema:
            type: object
            properties:
              question: {type: string, description: asked}
              context: {type: [string, "null"]}
              level: {enum: [low, high]}
              scores: {type: array, items: {type: number}}
            required: [question]
            additionalProperties: false
        output:
          format: text
        """, "body\n")
        #expect(document.errors.isEmpty, "\(document.errors)")
        #expect(document.outputFormat == .text)
        #expect(document.jsonOutputSchema == nil)
        #expect(document.inputSchema == .object([
            SchemaProperty("question", Schema(.string, description: "asked")),
            SchemaProperty("context", Schema(.string, nullable: true), required: false),
            SchemaProperty("level", .enumeration(["low", "high"]), required: false),
            SchemaProperty("scores", .array(Schema(.number)), required: false),
        ]))
    }

    @Test func scalarTopLevelSchemasAndDefaults() throws {
        let document = dotprompt("\(task)\noutput:\n  schema: string, the answer\n", "body\n")
        #expect(document.outputSchema == Schema(.string, description: "the answer"))
        #expect(document.outputFormat == .json)
        let plain = dotprompt(task, "body\n")
        #expect(plain.outputSchema == nil && plain.outputFormat == .text)
    }

    /// Each error names the field and sits at the value (or key) at fault: line and column (0-based).
    @Test(arguments: [
        ("output:\n  schema:\n    name: strin\n", "setting 'output.schema.name' has an unknown type 'strin'", 4, 10),
        ("output:\n  schema:\n    tags(list): string\n", "setting 'output.schema.tags' has an unknown type 'list' in parentheses", 4, 4),
        ("output:\n  schema:\n    kind(enum): a\n", "setting 'output.schema.kind' must be a non-empty list of values", 4, 16),
        ("input:\n  schema:\n    type: object\n    properties:\n      q: {type: strng}\n", "setting 'input.schema.q.type' has an unknown type 'strng'", 6, 16),
        ("input:\n  schema:\n    type: object\n    properties: {a: {type: string}}\n    required: [b]\n", "setting 'input.schema.required' names 'b', which is not in 'properties'", 6, 15),
        ("output:\n  format: 3\n", "setting 'output.format' must be a format name (json, text), found an integer", 3, 10),
        ("output: json\n", "setting 'output' must be a mapping, found a string", 2, 8),
        // Nested: inside a Picoschema object, and inside a JSON Schema array's items.
        ("output:\n  schema:\n    place(object):\n      city: strin\n", "setting 'output.schema.place.city' has an unknown type 'strin'", 5, 12),
        ("input:\n  schema:\n    type: object\n    properties:\n      s: {type: array, items: {type: numbr}}\n", "setting 'input.schema.s.items.type' has an unknown type 'numbr'", 6, 37),
        ("output:\n  schema:\n    type: object\n    properties:\n      k: {enum: low}\n", "setting 'output.schema.k.enum' must be a non-empty list of values", 6, 16),
    ])
    func errorsAreLocatedAtTheValue(yaml: String, message: String, line: Int, column: Int) throws {
        let document = dotprompt("\(task)\n" + yaml.dropLast(), "body\n")
        let error = try #require(document.errors.first, "no error for \(yaml)")
        #expect(error.error.message.hasPrefix(message), "\(error.error.message)")
        let start = try #require(error.error.range).start
        #expect(start.line == line && start.utf8Column == column, "\(start)")
    }
}

@Suite struct OutputSchemaProblemTests {
    @Test func demonstrationsThatBreakTheOutputSchemaAreLocated() throws {
        let text = """
        ---
        vsynth.task: extract
        output:
          schema:
            n: integer
        ---
        {{!-- vsynth:demos --}}
        {{role "user"}}
        one
        {{role "model"}}
        {"n": 1}
        {{role "user"}}
        two
        {{role "model"}}
        {"n": "2"}
        {{!-- /vsynth:demos --}}

        """
        let document = PromptDocument(text: text, path: "x.prompt")
        #expect(document.errors.isEmpty)
        let problems = document.outputSchemaProblems
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.index == 1)
        #expect(problem.violation.message == "expected an integer")
        #expect(document.text(in: problem.range) == "\"")
        #expect(problem.range.start.line == 14 && problem.range.start.utf8Column == 6)
    }
}
