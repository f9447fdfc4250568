import JSONSchema

/// Schemas the tests share: nested objects, arrays, enums, optional fields, numbers.
enum SchemaFixtures {
    /// `{name, age?, tags: [string], kind: a|b}`
    static let person = Schema.object([
        SchemaProperty("name", Schema(.string)),
        SchemaProperty("age", Schema(.integer), required: false),
        SchemaProperty("tags", .array(Schema(.string))),
        SchemaProperty("kind", .enumeration(["a", "b"])),
    ])

    /// An event with a nested optional object and an array of objects.
    static let event = Schema.object([
        SchemaProperty("title", Schema(.string)),
        SchemaProperty("when", .object([
            SchemaProperty("day", .enumeration(["mon", "tue", "wed"])),
            SchemaProperty("hour", Schema(.integer), required: false),
        ]), required: false),
        SchemaProperty("people", .array(.object([
            SchemaProperty("email", Schema(.string)),
            SchemaProperty("vip", Schema(.boolean), required: false),
        ]))),
        SchemaProperty("score", Schema(.number), required: false),
    ])

    /// A flat classification with a nullable note.
    static let label = Schema.object([
        SchemaProperty("label", .enumeration(["positive", "negative", "neutral"])),
        SchemaProperty("confidence", Schema(.number)),
        SchemaProperty("note", Schema(.string, nullable: true), required: false),
    ])
}
