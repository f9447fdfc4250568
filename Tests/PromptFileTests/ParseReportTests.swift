import Foundation
import Testing
@testable import PromptFile

@Suite struct ParseReportTests {
    func json(_ report: ParseReport) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func reportOfAnExampleHasTheSchemaShape() throws {
        let document = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("translate.prompt").path)
        let object = try json(ParseReport(document))
        #expect(Set(object.keys) == ["path", "ok", "format", "task", "settings", "structure", "region", "demonstrations", "diagnostics"])
        #expect(object["ok"] as? Bool == true)
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["seed"] as? Int == 42)
        #expect(settings["input_label"] as? String == "English")
        let demonstrations = try #require(object["demonstrations"] as? [[String: Any]])
        #expect(demonstrations.count == 2)
        let output = try #require(demonstrations[1]["output"] as? [String: Any])
        #expect(output["text"] as? String == "Le café est fermé le dimanche.")
        let end = try #require((output["range"] as? [String: Any])?["end"] as? [String: Any])
        // "Le café est fermé le dimanche." is 32 bytes but 30 UTF-16 units.
        #expect(end["utf8_column"] as? Int == 32)
        #expect(end["utf16_column"] as? Int == 30)
    }

    @Test func reportOfAnUnreadableFileHasNullsAndAnError() throws {
        let object = try json(ParseReport(path: "gone.prompt", error: .fileNotFound(path: "gone.prompt")))
        #expect(object["ok"] as? Bool == false)
        #expect(object["task"] is NSNull)
        #expect(object["region"] is NSNull)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["code"] as? String == "file-not-found")
        #expect(diagnostics.first?["range"] is NSNull)
    }

    /// `vsynth parse --json` shows the schemas in JSON Schema form (Picoschema converted), the
    /// output format and the label set with where it came from.
    @Test func reportShowsTheSchemasAndTheLabelSet() throws {
        let extract = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("extract.prompt").path)
        let structure = try #require(try json(ParseReport(extract))["structure"] as? [String: Any])
        #expect(structure["output_format"] as? String == "json")
        #expect(structure["labels"] == nil && structure["label_source"] == nil)
        let input = try #require(structure["input_schema"] as? [String: Any])
        #expect((input["properties"] as? [String: Any])?.keys.sorted() == ["email"])
        let output = try #require(structure["output_schema"] as? [String: Any])
        #expect(output["required"] as? [String] == ["sender", "day", "topics"])
        let day = try #require((output["properties"] as? [String: Any])?["day"] as? [String: Any])
        #expect(day["enum"] as? [String] == ["monday", "tuesday", "wednesday", "thursday", "friday"])

        let sentiment = try PromptDocument(contentsOfFile: examplesDirectory.appendingPathComponent("sentiment.prompt").path)
        let labelled = try #require(try json(ParseReport(sentiment))["structure"] as? [String: Any])
        #expect(labelled["labels"] as? [String] == ["positive", "negative", "neutral"])
        #expect(labelled["label_source"] as? String == "vsynth.labels")
        #expect(labelled["output_format"] as? String == "text")
    }

    /// An enum output schema is the label set: bare values for text output, JSON strings (with
    /// their quotes, as the output turn must hold them) for JSON output; `vsynth.labels` wins.
    @Test func enumOutputSchemaFillsTheLabelSet() throws {
        let text = dotprompt("vsynth.task: T\noutput:\n  format: text\n  schema: {type: string, enum: [spam, ham]}", "body")
        #expect(text.errors.isEmpty)
        #expect(text.labelSet?.labels == ["spam", "ham"])
        #expect(text.labelSet?.source == .outputSchema)
        let json = dotprompt("vsynth.task: T\noutput:\n  schema: {type: string, enum: [spam, ham]}", "body")
        #expect(json.labelSet?.labels == [#""spam""#, #""ham""#])
        let setting = dotprompt("vsynth.task: T\nvsynth.labels: [yes, no]\noutput:\n  format: text\n  schema: {type: string, enum: [spam, ham]}", "body")
        #expect(setting.labelSet?.labels == ["yes", "no"])
        #expect(setting.labelSet?.source == .setting)
        #expect(dotprompt("vsynth.task: T\noutput:\n  schema: {type: string}", "body").labelSet == nil)
        #expect(dotprompt("vsynth.task: T", "body").labelSet == nil)
    }

    /// A JSON object of one required enum property (Picoschema's `verdict(enum): [..]`) is a label
    /// set of one-key documents; with a second property, an optional one, or text output it is not.
    /// A boolean counts as an enum of true and false.
    @Test func objectOfOneEnumFillsTheLabelSet() throws {
        let picoschema = dotprompt("vsynth.task: T\noutput:\n  schema:\n    verdict(enum): [spam, ham]", "body")
        #expect(picoschema.errors.isEmpty)
        #expect(picoschema.labelSet?.labels == [#"{"verdict": "spam"}"#, #"{"verdict": "ham"}"#])
        #expect(picoschema.labelSet?.source == .outputSchema)
        let jsonSchema = dotprompt("vsynth.task: T\noutput:\n  format: json\n  schema: {type: object, properties: {answer: {enum: [1, true]}}, required: [answer]}", "body")
        #expect(jsonSchema.errors.isEmpty, "\(jsonSchema.errors)")
        #expect(jsonSchema.labelSet?.labels == [#"{"answer": 1}"#, #"{"answer": true}"#])
        let two = dotprompt("vsynth.task: T\noutput:\n  schema:\n    verdict(enum): [spam, ham]\n    reason: string", "body")
        #expect(two.labelSet == nil)
        let optional = dotprompt("vsynth.task: T\noutput:\n  schema:\n    verdict?(enum): [spam, ham]", "body")
        #expect(optional.labelSet == nil)
        let text = dotprompt("vsynth.task: T\noutput:\n  format: text\n  schema:\n    verdict(enum): [spam, ham]", "body")
        #expect(text.labelSet == nil)
        // A boolean is the enum [true, false], alone or as the one property.
        let flag = dotprompt("vsynth.task: T\noutput:\n  schema:\n    is_spam: boolean, whether it is spam", "body")
        #expect(flag.labelSet?.labels == [#"{"is_spam": true}"#, #"{"is_spam": false}"#])
        let bare = dotprompt("vsynth.task: T\noutput:\n  schema: {type: boolean}", "body")
        #expect(bare.labelSet?.labels == ["true", "false"])
    }

    /// Hand-written outputs outside the label set are located at the output, with a suggestion when
    /// only case or punctuation differ.
    @Test func outputsOutsideTheLabelSetAreLocated() throws {
        let document = dotprompt("vsynth.task: T\nvsynth.labels: [spam, ham]", """
        {{!-- vsynth:demos --}}
        {{role "user"}}
        Win a prize now
        {{role "model"}}
        spam
        {{role "user"}}
        Lunch at noon?
        {{role "model"}}
        Ham!
        {{role "user"}}
        Meeting moved
        {{role "model"}}
        maybe
        {{!-- /vsynth:demos --}}
        """)
        let problems = document.outputLabelProblems
        #expect(problems.map(\.index) == [1, 2])
        #expect(problems.map(\.suggestion) == ["ham", nil])
        #expect(problems[0].message == "demonstration 2: output 'Ham!' is not one of the labels spam, ham (did you mean 'ham'?)")
        #expect(document.text(in: problems[1].range) == "maybe")
    }
}
