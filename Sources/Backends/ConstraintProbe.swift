import Foundation
import JSONSchema
import LanguageModel

/// A request field a server constrains generation with (`OutputConstraint.requestFields`).
public enum ConstraintForm: String, Sendable, Codable, CaseIterable {
    /// OpenAI-style `response_format: {type: json_schema, json_schema: {schema}}` (vLLM, OpenAI).
    case responseFormat = "response_format"
    /// vLLM's `guided_json` extra parameter.
    case guidedJSON = "guided_json"
    /// llama-server's `json_schema` on `/completion`.
    case jsonSchema = "json_schema"
    /// A GBNF grammar (`Schema.gbnf`): llama-server, and llama-cpp-python, whose `/v1/completions`
    /// takes no schema field at all.
    case grammar
    /// Ollama's `format` with a JSON Schema.
    case format
}

/// Finds, once per backend, which of the request fields a server may honour really constrains its
/// output: each is tried in turn on a request whose only valid reply is `{"probe": "vsynth-7f3a"}`,
/// which no model writes by chance, and the first whose reply validates wins. A server that
/// ignores unknown fields (llama-cpp-python ignores `response_format` on `/v1/completions`) is
/// found out this way rather than trusted. Outputs are validated after generation either way.
actor ConstraintProbe {
    /// The schema of the probe's reply.
    static let schema = Schema.object([SchemaProperty("probe", .enumeration(["vsynth-7f3a"]))])

    let forms: [ConstraintForm]
    private var found: ConstraintForm??

    init(forms: [ConstraintForm]) {
        self.forms = forms
    }

    /// The working form, or nil when none works; `attempt` sends the probe under one form (at
    /// temperature 0, a few dozen tokens) and returns the generated text, or throws if the server
    /// refused the request.
    func form(attempt: @Sendable (ConstraintForm) async throws -> String) async -> ConstraintForm? {
        if let found { return found }
        var result: ConstraintForm?
        for form in forms {
            guard let text = try? await attempt(form) else { continue }
            if Self.valid(text) {
                result = form
                break
            }
        }
        found = .some(result)
        return result
    }

    static func valid(_ text: String) -> Bool {
        do {
            return try schema.violation(in: text.trimmingCharacters(in: .whitespacesAndNewlines)) == nil
        } catch {
            return false
        }
    }

    /// The capability line: which field constrains generation, or that none does.
    static func note(_ form: ConstraintForm?, tried forms: [ConstraintForm]) -> String {
        if let form {
            return "JSON outputs are constrained with '\(form.rawValue)' (and validated again)"
        }
        return "no constrained decoding found (tried \(forms.map(\.rawValue).joined(separator: ", "))): JSON outputs are validated after generation and invalid ones dropped"
    }
}

extension OutputConstraint {
    /// The probe's constraint.
    static let probe = OutputConstraint.json(ConstraintProbe.schema)
    /// The probe's prompt, whole turns ending with an open assistant turn (chat endpoints need that).
    static func probePrompt(_ template: ChatTemplate) -> String {
        template.userTurn("Say hello.") + template.assistantPrefix
    }
}

/// A backend that passes constraints to its server in whichever form the probe found working.
protocol ConstrainingBackend: LanguageModel {
    var constraintProbe: ConstraintProbe { get }
    /// A generation with `fields` (a constraint in the server's form) added to the request.
    func generate(prompt: String, options: GenerationOptions, fields: [String: Any]) async throws -> Generation
}

extension ConstrainingBackend {
    /// The request field that constrains this server's output, probed once.
    func constraintForm() async -> ConstraintForm? {
        await constraintProbe.form { form in
            try await self.generate(prompt: OutputConstraint.probePrompt(self.template), options: GenerationOptions(maxTokens: 24),
                                    fields: OutputConstraint.probe.requestFields(form)).text
        }
    }

    /// The fields asking for `options.constraint` in the server's form; none when there is no
    /// constraint or the server has no working form (the output is validated afterwards anyway).
    func constraintFields(_ options: GenerationOptions) async -> [String: Any] {
        guard let constraint = options.constraint, let form = await constraintForm() else { return [:] }
        return constraint.requestFields(form)
    }
}
