import Foundation
import TestSupport
import Testing
@testable import VSynthesis
import PromptFile

@Suite struct TaskDatasetTests {
    static let devPath = TestFiles.fixtures().appendingPathComponent("dev-consistency.json").path

    @Test func loadsTheDevelopmentSet() throws {
        let data = try TaskDataset.load(path: Self.devPath)
        #expect(data.tasks.count == 10)
        let sarcasm = try #require(data.tasks.first)
        #expect(sarcasm.id == "sarcasm")
        #expect(sarcasm.format == DemonstrationFormat(inputLabel: "Tweet", outputLabel: "Label"))
        #expect(sarcasm.demos.count == 6)
        #expect(sarcasm.demonstration(sarcasm.demos[0]).output == "Label: sarcastic")
        #expect(sarcasm.test == nil)
    }

    @Test func readsTestItemsAndLabels() throws {
        let json = """
        {"tasks":[{"id":"s","definition":"Classify.","input_label":"Text","output_label":"Label",
          "demos":[],"labels":["pos","neg"],"test":[{"input":"good","output":"pos"},{"input":"bad","output":"neg"}]}]}
        """
        let data = try TaskDataset.decode(Data(json.utf8), path: "x.json")
        #expect(data.tasks[0].answerSet == ["pos", "neg"])
        #expect(data.tasks[0].test?.count == 2)
    }

    @Test func errorsNameTheProblemAndPlace() {
        func message(_ json: String) -> String {
            do { _ = try TaskDataset.decode(Data(json.utf8), path: "d.json"); return "" } catch { return error.description }
        }
        #expect(message("{") == "vsynthesis: d.json: not valid JSON")
        #expect(message(#"{"tasks":[{"id":"a","definition":"T","input_label":"I","demos":[]}]}"#)
                == "vsynthesis: d.json: tasks[0]: missing key 'output_label'")
        #expect(message(#"{"tasks":[{"id":"a","definition":"T","input_label":"I","output_label":"O","demos":[{"input":3,"output":"x"}]}]}"#)
                == "vsynthesis: d.json: tasks[0].demos[0].input: expected String")
        #expect(message(#"{"tasks":[]}"#) == "vsynthesis: d.json: tasks: the list is empty")
        #expect(message(#"{"tasks":[{"id":"a","definition":"T","input_label":"I","output_label":"O","demos":[],"labels":["x"],"test":[{"input":"q","output":"y"}]}]}"#)
                == "vsynthesis: d.json: tasks[0].test[0].output: 'y' is not one of the task's labels")
        let missing = (try? TaskDataset.load(path: "/nonexistent/file.json")) == nil
        #expect(missing)
    }
}
