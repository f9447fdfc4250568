import Foundation
import JSONSchema

/// A parsed prompt file: frontmatter, settings, task definition, the demonstrations region and
/// its demonstrations, every one with its exact range, and all diagnostics found on the way.
/// Parsing never throws and never traps: a broken file gives a document with errors.
public struct PromptDocument: Sendable {
    /// The path the file was read from, if any (used in diagnostics).
    public internal(set) var path: String?
    public internal(set) var format: PromptFormat
    /// The file's bytes and line table.
    public internal(set) var lines: LineIndex
    /// The frontmatter mapping; nil without frontmatter, when it is empty, or when it has errors.
    public internal(set) var frontmatter: YAMLNode?
    /// From the opening `---` to the end of the closing `---` line (with its line break).
    public internal(set) var frontmatterRange: SourceRange?
    /// Everything after the frontmatter.
    public internal(set) var bodyRange: SourceRange
    public internal(set) var settings = Settings()
    /// T: `vsynth.task`, else `description`.
    public internal(set) var task: TaskDefinition?
    public internal(set) var region: DemonstrationRegion?
    public internal(set) var demonstrations: [ParsedDemonstration] = []
    /// Dotprompt's `input.schema` (Picoschema or JSON Schema), if given and valid.
    public internal(set) var inputSchema: Schema?
    /// Dotprompt's `output.schema`, if given and valid.
    public internal(set) var outputSchema: Schema?
    /// Dotprompt's `output.format`; `json` when only a schema is given, else `text`.
    public internal(set) var outputFormat = OutputFormat.text
    /// Errors and warnings, in file order.
    public internal(set) var diagnostics: [Diagnostic] = []

    /// Parses a prompt file's bytes. The format defaults to the one `path` names (Dotprompt
    /// without a path).
    public init(bytes: [UInt8], path: String? = nil, format: PromptFormat? = nil) {
        self.path = path
        self.format = format ?? path.map(PromptFormat.init(path:)) ?? .dotprompt
        self.lines = LineIndex(bytes)
        self.bodyRange = lines.range(0..<bytes.count)
        parse()
    }

    /// Parses a prompt file's text.
    public init(text: String, path: String? = nil, format: PromptFormat? = nil) {
        self.init(bytes: Array(text.utf8), path: path, format: format)
    }

    /// Reads and parses the file at `path`. Throws only when the file cannot be read (missing,
    /// a directory, no permission); problems in its content are the document's diagnostics.
    public init(contentsOfFile path: String, format: PromptFormat? = nil) throws(PromptFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .isDirectory(path: path) }
        // A FIFO or device would block the read (or never end): only regular files are read.
        if let kind = Self.nonRegularKind(path) { throw .notRegularFile(path: path, kind: kind) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.isReadableFile(atPath: path)
                              ? "read failed" : "permission denied")
        }
        self.init(bytes: [UInt8](data), path: path, format: format)
    }

    /// What `path` is when it is neither a regular file nor a directory (links followed), else nil.
    static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a fifo (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "a special file"
        }
    }

    /// The file's bytes.
    public var bytes: [UInt8] { lines.bytes }
    /// The file's text (invalid UTF-8 replaced; check `errors` first).
    public var text: String { String(decoding: lines.bytes, as: UTF8.self) }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// X and Y of every demonstration, in order.
    public var demonstrationPairs: [Demonstration] { demonstrations.map(\.demonstration) }

    /// The source text of a range of the file.
    public func text(in range: SourceRange) -> String {
        String(decoding: lines.bytes[range.bytes.clamped(to: 0..<lines.bytes.count)], as: UTF8.self)
    }

    mutating func report(_ error: PromptFileError) {
        diagnostics.append(Diagnostic(error, file: path))
    }
}

extension PromptDocument {
    /// The demonstration whose range holds `offset` (for hovers and code actions), if any.
    public func demonstration(containing offset: Int) -> ParsedDemonstration? {
        demonstrations.first { $0.range.start.offset <= offset && offset <= $0.range.end.offset }
    }
}
