import Foundation
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
}
