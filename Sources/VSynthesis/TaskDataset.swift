import Foundation
import PromptFile

/// A labelled task data set in the layout of `shared/data/dev-consistency.json`, extended with an
/// optional `test` list of labelled items and a `labels` list (the answer set for in-context
/// accuracy). Keys are snake_case as in the file.
public struct TaskDataset: Sendable, Codable, Equatable {
    /// One input/output pair as the data set writes it (raw values, no labels).
    public struct Item: Sendable, Codable, Equatable, Hashable {
        public var input: String
        public var output: String

        public init(input: String, output: String) {
            self.input = input
            self.output = output
        }
    }

    /// One task: its definition T, its demonstration format and its on-task demonstrations.
    public struct Task: Sendable, Codable, Equatable {
        public var id: String
        public var definition: String
        public var inputLabel: String
        public var outputLabel: String
        public var demos: [Item]
        /// Held-out labelled items for in-context accuracy (optional).
        public var test: [Item]?
        /// The task's answer set for classification (optional; defaults to the distinct test outputs).
        public var labels: [String]?

        enum CodingKeys: String, CodingKey {
            case id, definition, demos, test, labels
            case inputLabel = "input_label"
            case outputLabel = "output_label"
        }

        public init(id: String, definition: String, inputLabel: String, outputLabel: String,
                    demos: [Item], test: [Item]? = nil, labels: [String]? = nil) {
            self.id = id
            self.definition = definition
            self.inputLabel = inputLabel
            self.outputLabel = outputLabel
            self.demos = demos
            self.test = test
            self.labels = labels
        }

        public var format: DemonstrationFormat {
            DemonstrationFormat(inputLabel: inputLabel, outputLabel: outputLabel, labels: labels ?? [])
        }

        /// `item` written in this task's format (the turns the V-Score frame scores).
        public func demonstration(_ item: Item) -> Demonstration {
            format.demonstration(input: item.input, output: item.output)
        }

        /// The answer set: `labels`, else the distinct outputs of `test` in first-seen order.
        public var answerSet: [String] {
            if let labels, !labels.isEmpty { return labels }
            var seen = Set<String>()
            return (test ?? []).map(\.output).filter { seen.insert($0).inserted }
        }
    }

    public var about: String?
    public var tasks: [Task]

    public init(about: String? = nil, tasks: [Task]) {
        self.about = about
        self.tasks = tasks
    }

    /// Reads and checks a data set; errors name the file and the JSON path of what is wrong.
    public static func load(path: String) throws(VSynthesisError) -> TaskDataset {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .invalidDataset(path: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks a data set from bytes; `path` only names it in errors.
    public static func decode(_ data: Data, path: String) throws(VSynthesisError) -> TaskDataset {
        let dataset: TaskDataset
        do {
            dataset = try JSONDecoder().decode(TaskDataset.self, from: data)
        } catch let error as DecodingError {
            throw .invalidDataset(path: path, message: describe(error))
        } catch {
            throw .invalidDataset(path: path, message: "not valid JSON (\(error))")
        }
        try dataset.validate(path: path)
        return dataset
    }

    func validate(path: String) throws(VSynthesisError) {
        if tasks.isEmpty { throw .invalidDataset(path: path, message: "tasks: the list is empty") }
        var ids = Set<String>()
        for (index, task) in tasks.enumerated() {
            let at = "tasks[\(index)]"
            if task.id.isEmpty { throw .invalidDataset(path: path, message: "\(at).id: empty") }
            if !ids.insert(task.id).inserted {
                throw .invalidDataset(path: path, message: "\(at).id: duplicate id '\(task.id)'")
            }
            if task.definition.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw .invalidDataset(path: path, message: "\(at).definition: empty")
            }
            if let labels = task.labels, let test = task.test {
                for (itemIndex, item) in test.enumerated() where !labels.contains(item.output) {
                    throw .invalidDataset(path: path, message:
                        "\(at).test[\(itemIndex)].output: '\(item.output)' is not one of the task's labels")
                }
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func pathText(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "top level" : text
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = pathText(context.codingPath)
            return "\(parent == "top level" ? "" : parent + ": ")missing key '\(key.stringValue)'"
        case let .typeMismatch(type, context):
            return "\(pathText(context.codingPath)): expected \(type)"
        case let .valueNotFound(type, context):
            return "\(pathText(context.codingPath)): expected \(type), found null"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(pathText(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
