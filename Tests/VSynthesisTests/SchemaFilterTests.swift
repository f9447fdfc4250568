import JSONSchema
import PromptFile
import Testing
@testable import VSynthesis

/// The `schema` drop reason: outputs that do not validate against the file's JSON output schema.
@Suite struct SchemaFilterTests {
    let format = DemonstrationFormat(inputLabel: "Email", outputLabel: "Meeting", labelledTurns: false,
                                     outputSchema: .object([
                                        SchemaProperty("day", .enumeration(["monday", "friday"])),
                                        SchemaProperty("time", Schema(.string), required: false),
                                     ]))

    @Test func outputsThatBreakTheSchemaAreDroppedAsSchema() {
        var filter = CandidateFilter(task: "Extract the meeting from the email.", format: format)
        func judge(_ x: String, _ y: String) -> DropReason? { filter.judge(format.demonstration(input: x, output: y)) }
        #expect(judge("See you Monday at 9.", #"{"day": "monday", "time": "9:00"}"#) == nil)
        #expect(judge("Friday then.", #"{"day": "friday",}"#) == .schema)            // trailing comma
        #expect(judge("Friday then.", #"{"day": "Friday"}"#) == .schema)             // not as listed
        #expect(judge("Friday then.", #"{"time": "10:00"}"#) == .schema)             // required day missing
        #expect(judge("Friday then.", "{") == .schema)
        #expect(judge("Friday, ok.", #"{"time": "8:00", "day": "friday"}"#) == nil)  // any order validates
    }

    @Test func theFileFormatCarriesTheOutputSchemaOnlyForJSON() {
        let json = PromptDocument(text: "---\nvsynth.task: t\noutput:\n  schema:\n    day: string\n---\nbody\n")
        #expect(json.demonstrationFormat.outputSchema == .object([SchemaProperty("day", Schema(.string))]))
        let text = PromptDocument(text: "---\nvsynth.task: t\noutput:\n  format: text\n  schema:\n    day: string\n---\nbody\n")
        #expect(text.demonstrationFormat.outputSchema == nil)
    }
}
