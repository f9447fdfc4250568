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
        #expect(Set(object.keys) == ["path", "ok", "format", "task", "settings", "region", "demonstrations", "diagnostics"])
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
}
