/// What `vsynth parse --json` prints for one file (schemas/parse-output.schema.json). Built here
/// so that the CLI and the language server describe a file the same way.
public struct ParseReport: Sendable, Encodable {
    public struct Format: Sendable, Encodable {
        var kind: PromptFormat
        var openMarker, closeMarker, userTag, modelTag, inputLabel, outputLabel: String
        enum CodingKeys: String, CodingKey {
            case kind
            case openMarker = "open_marker", closeMarker = "close_marker", userTag = "user_tag",
                 modelTag = "model_tag", inputLabel = "input_label", outputLabel = "output_label"
        }
    }

    public struct Task: Sendable, Encodable {
        var text: String
        var source: TaskDefinition.Source
        var range: SourceRange
    }

    public struct SettingsReport: Sendable, Encodable {
        var task: String?
        var count: Int?
        var threshold: Double?
        var seed: Int?
        var refresh: Settings.Refresh?
        var model: String?
        var backend: String?
        var inputLabel: String
        var outputLabel: String
        var labels: [String]?
        enum CodingKeys: String, CodingKey {
            case task, count, threshold, seed, refresh, model, backend, labels
            case inputLabel = "input_label", outputLabel = "output_label"
        }
    }

    public struct Region: Sendable, Encodable {
        var range, openMarker, closeMarker, content: SourceRange
        enum CodingKeys: String, CodingKey {
            case range, content
            case openMarker = "open_marker", closeMarker = "close_marker"
        }
    }

    public struct TurnReport: Sendable, Encodable {
        var text: String
        var range: SourceRange
        var tagRange: SourceRange
        enum CodingKeys: String, CodingKey { case text, range, tagRange = "tag_range" }
    }

    public struct DemonstrationReport: Sendable, Encodable {
        var index: Int
        var range: SourceRange
        var input: TurnReport
        var output: TurnReport
    }

    public struct DiagnosticReport: Sendable, Encodable {
        var severity: Diagnostic.Severity
        var code: String
        var message: String
        var range: SourceRange?

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(severity, forKey: .severity)
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
            try container.encode(range, forKey: .range)
        }
        enum CodingKeys: String, CodingKey { case severity, code, message, range }
    }

    /// The file's structure (`input.schema`, `output.schema`, `output.format`, the label set): what
    /// synthesized demonstrations must look like. Schemas in JSON Schema form, whichever form the
    /// file wrote them in; a key the file does not have is left out.
    public struct Structure: Sendable, Encodable {
        var inputSchema: EmbeddedJSON?
        var outputSchema: EmbeddedJSON?
        var outputFormat: String
        var labels: [String]?
        var labelSource: PromptDocument.LabelSource?

        enum CodingKeys: String, CodingKey {
            case labels
            case inputSchema = "input_schema", outputSchema = "output_schema", outputFormat = "output_format",
                 labelSource = "label_source"
        }
    }

    public var path: String
    public var ok: Bool
    public var structure: Structure?
    public var format: Format
    public var task: Task?
    public var settings: SettingsReport?
    public var region: Region?
    public var demonstrations: [DemonstrationReport]
    public var diagnostics: [DiagnosticReport]

    /// The report of a parsed document.
    public init(_ document: PromptDocument) {
        let settings = document.settings
        path = document.path ?? "<input>"
        ok = !document.hasErrors
        format = Format(kind: document.format, openMarker: document.format.openMarker, closeMarker: document.format.closeMarker,
                        userTag: document.format.userTag, modelTag: document.format.modelTag,
                        inputLabel: settings.inputLabel, outputLabel: settings.outputLabel)
        task = document.task.map { Task(text: $0.text, source: $0.source, range: $0.range) }
        self.settings = SettingsReport(task: settings.task, count: settings.count,
                                       threshold: settings.threshold.flatMap { $0.isFinite ? $0 : nil },
                                       seed: settings.seed, refresh: settings.refresh, model: settings.model,
                                       backend: settings.backend, inputLabel: settings.inputLabel, outputLabel: settings.outputLabel,
                                       labels: settings.labels)
        let labelSet = document.labelSet
        structure = Structure(inputSchema: document.inputSchema.flatMap { EmbeddedJSON(text: $0.jsonSchema) },
                              outputSchema: document.outputSchema.flatMap { EmbeddedJSON(text: $0.jsonSchema) },
                              outputFormat: document.outputFormat.name, labels: labelSet?.labels,
                              labelSource: labelSet?.source)
        region = document.region.map { Region(range: $0.range, openMarker: $0.openMarker, closeMarker: $0.closeMarker, content: $0.content) }
        demonstrations = document.demonstrations.map {
            DemonstrationReport(index: $0.index, range: $0.range,
                                input: TurnReport(text: $0.user.text, range: $0.user.range, tagRange: $0.user.tagRange),
                                output: TurnReport(text: $0.model.text, range: $0.model.range, tagRange: $0.model.tagRange))
        }
        diagnostics = document.diagnostics.map {
            DiagnosticReport(severity: $0.severity, code: $0.error.code, message: $0.message, range: $0.range)
        }
    }

    /// The report of a file that could not be read.
    public init(path: String, error: PromptFileError) {
        let kind = PromptFormat(path: path)
        self.path = path
        ok = false
        format = Format(kind: kind, openMarker: kind.openMarker, closeMarker: kind.closeMarker, userTag: kind.userTag,
                        modelTag: kind.modelTag, inputLabel: Settings.defaultInputLabel, outputLabel: Settings.defaultOutputLabel)
        demonstrations = []
        diagnostics = [DiagnosticReport(severity: .error, code: error.code, message: error.message, range: error.range)]
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(ok, forKey: .ok)
        try container.encode(format, forKey: .format)
        try container.encode(task, forKey: .task)
        try container.encode(settings, forKey: .settings)
        try container.encode(structure, forKey: .structure)
        try container.encode(region, forKey: .region)
        try container.encode(demonstrations, forKey: .demonstrations)
        try container.encode(diagnostics, forKey: .diagnostics)
    }
    enum CodingKeys: String, CodingKey { case path, ok, format, task, settings, structure, region, demonstrations, diagnostics }
}
