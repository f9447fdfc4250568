import Foundation
import JSONSchema
import LanguageModel

/// A constraint in the forms servers take it. Servers constrain decoding with it where they can;
/// VSynth validates every output again either way, since a server may ignore a field it lacks.
extension OutputConstraint {
    /// The JSON Schema as a JSONSerialization object, for request bodies.
    var schemaObject: Any {
        switch self {
        case .json(let schema):
            // Our own writer produced this text, so it always parses.
            return (try? JSONSerialization.jsonObject(with: Data(schema.jsonSchema.utf8))) ?? [String: Any]()
        }
    }

    /// OpenAI-style `response_format` (vLLM, llama-cpp-python, OpenAI).
    var responseFormat: [String: Any] {
        ["type": "json_schema", "json_schema": ["name": "output", "schema": schemaObject, "strict": true]]
    }

    /// The request fields that ask a server for this constraint in `form`.
    func requestFields(_ form: ConstraintForm) -> [String: Any] {
        switch form {
        case .responseFormat: return ["response_format": responseFormat]
        case .guidedJSON: return ["guided_json": schemaObject]
        case .jsonSchema: return ["json_schema": schemaObject]
        case .format: return ["format": schemaObject]
        case .grammar:
            switch self {
            case .json(let schema): return ["grammar": schema.gbnf]
            }
        }
    }
}
