/// Everything that can be wrong with a prompt file, its frontmatter, its demonstrations region or
/// an edit. Every case that comes from the file's content carries the range it is about, so that
/// messages name the line and column and editors can underline the spot.
public enum PromptFileError: Error, Sendable, Equatable, CustomStringConvertible {
    // Files.
    case fileNotFound(path: String)
    case isDirectory(path: String)
    case unreadable(path: String, reason: String)
    /// A FIFO, socket or device: reading it could block forever or never end.
    case notRegularFile(path: String, kind: String)

    // Bytes.
    /// The first byte that is not valid UTF-8.
    case invalidUTF8(at: SourceRange)
    /// The file is UTF-16 (a byte-order mark FF FE / FE FF, or every other byte NUL).
    case utf16(bigEndian: Bool, at: SourceRange)
    /// A second byte-order mark right after the first: the frontmatter would silently become body.
    case repeatedByteOrderMark(at: SourceRange)
    /// A control character no text file holds (NUL and other C0 controls but tab, LF, VT, FF, CR).
    case controlCharacter(UInt8, at: SourceRange)

    // Frontmatter.
    /// `---` opens the frontmatter but no later `---` line closes it.
    case unterminatedFrontmatter(at: SourceRange)
    /// The frontmatter is YAML but not a mapping.
    case frontmatterNotMapping(found: String, at: SourceRange)

    // YAML.
    case yamlTabIndentation(at: SourceRange)
    case yamlUnterminated(what: String, at: SourceRange)
    case yamlInvalidEscape(String, at: SourceRange)
    case yamlDuplicateKey(String, at: SourceRange, first: SourceRange)
    /// A YAML feature outside the subset prompt files use (anchors, aliases, tags, documents,
    /// directives, complex keys).
    case yamlUnsupported(String, at: SourceRange)
    case yamlNumberOutOfRange(String, at: SourceRange)
    case yamlSyntax(String, at: SourceRange)

    // Settings.
    case settingType(key: String, expected: String, found: String, at: SourceRange)
    case settingValue(key: String, problem: String, at: SourceRange)
    /// The same setting given twice (e.g. nested `vsynth: {count}` and dotted `vsynth.count`).
    case settingRepeated(key: String, at: SourceRange, first: SourceRange)
    /// Warning: a setting VSynth read but does not follow (a `vsynth.backend` that names no
    /// backend the user configured), and why.
    case settingIgnored(key: String, reason: String, at: SourceRange)
    /// Warning: a `vsynth` key VSynth does not know.
    case unknownSetting(key: String, suggestion: String?, at: SourceRange)
    /// Warning: neither `vsynth.task` nor `description` is set.
    case missingTask(at: SourceRange)

    // Demonstrations region.
    /// A closing marker with no opening one, or an opening marker never closed.
    case unbalancedMarker(String, at: SourceRange)
    /// A marker written almost right (`{{!-- vsynth:demos -}}`): the tag as written and the marker meant.
    case malformedMarker(found: String, expected: String, at: SourceRange)
    /// An opening marker inside an open region.
    case nestedMarker(at: SourceRange, outer: SourceRange)
    /// A second region after the first one closed.
    case duplicateRegion(at: SourceRange, first: SourceRange)
    case modelTurnWithoutUserTurn(at: SourceRange)
    case userTurnWithoutModelTurn(at: SourceRange)
    /// Text inside the region before the first turn.
    case textOutsideTurn(at: SourceRange)
    /// A role other than `user` and `model` inside the region.
    case unexpectedRole(String, at: SourceRange)
    /// Warning: a comment that mentions `vsynth:` but is not one of the two markers.
    case unknownMarker(String, at: SourceRange)
    /// Warning: a turn with no text.
    case emptyTurn(role: String, at: SourceRange)
    /// Warning: the other format's marker (`<!-- vsynth:demos -->` in a `.prompt` file or the
    /// reverse), which this file's format does not read.
    case otherFormatMarker(found: String, expected: String, at: SourceRange)
    /// A tag that tries to be a turn tag but is not one (`{{role "user}}`): it ends the turn
    /// before it, and the demonstration it belongs to is not read.
    case malformedTurnTag(String, at: SourceRange)
    /// Warning: a template tag (`{{review}}`) inside a demonstration, which a Dotprompt runtime
    /// replaces when it renders the prompt, while VSynth scores it as written.
    case templateExpression(String, at: SourceRange)
    /// Warning: a turn tag whose role is not written in lowercase (`{{role "User"}}`). Dotprompt
    /// runtimes read only lowercase role names, so they see no turn there and render its text as
    /// part of the turn before it, while VSynth reads a turn.
    case roleNotLowercase(String, role: String, at: SourceRange)

    // Editing.
    /// A demonstration whose text cannot be written into the region without changing its meaning.
    case unrepresentableDemonstration(index: Int, reason: String)
    /// A document with errors cannot be edited.
    case documentHasErrors(String)
    case invalidEdit(String)

    /// Whether the problem is a warning (the file still parses) rather than an error.
    public var isWarning: Bool {
        switch self {
        case .unknownSetting, .settingIgnored, .missingTask, .unknownMarker, .emptyTurn, .otherFormatMarker: return true
        case .templateExpression, .roleNotLowercase: return true
        default: return false
        }
    }

    /// The span the problem is about, if it comes from the file's content.
    public var range: SourceRange? {
        switch self {
        case .fileNotFound, .isDirectory, .unreadable, .notRegularFile, .unrepresentableDemonstration,
             .documentHasErrors, .invalidEdit:
            return nil
        case .invalidUTF8(let at), .utf16(_, let at), .repeatedByteOrderMark(let at), .malformedMarker(_, _, let at),
             .controlCharacter(_, let at), .unterminatedFrontmatter(let at),
             .frontmatterNotMapping(_, let at), .yamlTabIndentation(let at), .yamlUnterminated(_, let at),
             .yamlInvalidEscape(_, let at), .yamlDuplicateKey(_, let at, _), .yamlUnsupported(_, let at),
             .yamlNumberOutOfRange(_, let at), .yamlSyntax(_, let at), .settingType(_, _, _, let at),
             .settingValue(_, _, let at), .settingRepeated(_, let at, _), .unknownSetting(_, _, let at), .settingIgnored(_, _, let at),
             .missingTask(let at), .unbalancedMarker(_, let at), .nestedMarker(let at, _),
             .duplicateRegion(let at, _), .modelTurnWithoutUserTurn(let at),
             .userTurnWithoutModelTurn(let at), .textOutsideTurn(let at), .unexpectedRole(_, let at),
             .unknownMarker(_, let at), .emptyTurn(_, let at), .otherFormatMarker(_, _, let at):
            return at
        case .malformedTurnTag(_, let at), .templateExpression(_, let at), .roleNotLowercase(_, _, let at):
            return at
        }
    }

    /// A short stable identifier for tools (`yaml-duplicate-key`).
    public var code: String {
        switch self {
        case .fileNotFound: return "file-not-found"
        case .isDirectory: return "is-directory"
        case .unreadable: return "unreadable"
        case .notRegularFile: return "not-regular-file"
        case .invalidUTF8: return "invalid-utf8"
        case .utf16: return "utf16"
        case .repeatedByteOrderMark: return "repeated-byte-order-mark"
        case .malformedMarker: return "malformed-marker"
        case .controlCharacter: return "control-character"
        case .unterminatedFrontmatter: return "unterminated-frontmatter"
        case .frontmatterNotMapping: return "frontmatter-not-mapping"
        case .yamlTabIndentation: return "yaml-tab-indentation"
        case .yamlUnterminated: return "yaml-unterminated"
        case .yamlInvalidEscape: return "yaml-invalid-escape"
        case .yamlDuplicateKey: return "yaml-duplicate-key"
        case .yamlUnsupported: return "yaml-unsupported"
        case .yamlNumberOutOfRange: return "yaml-number-out-of-range"
        case .yamlSyntax: return "yaml-syntax"
        case .settingType: return "setting-type"
        case .settingValue: return "setting-value"
        case .settingRepeated: return "setting-repeated"
        case .unknownSetting: return "unknown-setting"
        case .settingIgnored: return "setting-ignored"
        case .missingTask: return "missing-task"
        case .unbalancedMarker: return "unbalanced-marker"
        case .nestedMarker: return "nested-marker"
        case .duplicateRegion: return "duplicate-region"
        case .modelTurnWithoutUserTurn: return "model-turn-without-user-turn"
        case .userTurnWithoutModelTurn: return "user-turn-without-model-turn"
        case .textOutsideTurn: return "text-outside-turn"
        case .unexpectedRole: return "unexpected-role"
        case .unknownMarker: return "unknown-marker"
        case .emptyTurn: return "empty-turn"
        case .otherFormatMarker: return "other-format-marker"
        case .malformedTurnTag: return "malformed-turn-tag"
        case .templateExpression: return "template-expression"
        case .roleNotLowercase: return "role-not-lowercase"
        case .unrepresentableDemonstration: return "unrepresentable-demonstration"
        case .documentHasErrors: return "document-has-errors"
        case .invalidEdit: return "invalid-edit"
        }
    }

    /// The problem in words, lowercase, without the location.
    public var message: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file"
        case .isDirectory(let path): return "\(path): is a directory, not a prompt file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .notRegularFile(let path, let kind): return "\(path): is \(kind), not a prompt file"
        case .invalidUTF8(let at): return "invalid utf-8 at byte offset \(at.start.offset)"
        case .utf16(let bigEndian, _):
            return "the file is utf-16 (\(bigEndian ? "big" : "little")-endian); prompt files are utf-8: save it as utf-8"
        case .repeatedByteOrderMark:
            return "the file starts with two byte-order marks (U+FEFF); remove the second, or the frontmatter is not read"
        case .malformedMarker(let found, let expected, _):
            return "malformed region marker '\(found)': write it as '\(expected)'"
        case .controlCharacter(let byte, let at):
            return "binary data: control character U+\(hex4(UInt32(byte))) at byte offset \(at.start.offset)"
        case .unterminatedFrontmatter: return "frontmatter opened with '---' is never closed by a '---' line"
        case .frontmatterNotMapping(let found, _): return "frontmatter must be a yaml mapping, found \(found)"
        case .yamlTabIndentation: return "yaml: tabs are not allowed for indentation"
        case .yamlUnterminated(let what, _): return "yaml: unterminated \(what)"
        case .yamlInvalidEscape(let escape, _): return "yaml: invalid escape '\(escape)' in double-quoted string"
        case .yamlDuplicateKey(let key, _, let first):
            return "yaml: duplicate key '\(key)' (first defined at \(first.start))"
        case .yamlUnsupported(let feature, _): return "yaml: \(feature) are not supported in prompt-file frontmatter"
        case .yamlNumberOutOfRange(let text, _): return "yaml: number '\(text)' is out of range"
        case .yamlSyntax(let problem, _): return "yaml: \(problem)"
        case .settingType(let key, let expected, let found, _):
            return "setting '\(key)' must be \(expected), found \(found)"
        case .settingValue(let key, let problem, _): return "setting '\(key)' \(problem)"
        case .settingRepeated(let key, _, let first):
            return "setting '\(key)' is given twice (first at \(first.start))"
        case .settingIgnored(let key, let reason, _): return "setting '\(key)' ignored: \(reason)"
        case .unknownSetting(let key, let suggestion, _):
            return "unknown setting '\(key)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case .missingTask: return "no task definition: set 'vsynth.task' or 'description' in the frontmatter"
        case .unbalancedMarker(let marker, _): return "unbalanced region marker: \(marker)"
        case .nestedMarker(_, let outer):
            return "nested region marker: a region is already open (opened at \(outer.start))"
        case .duplicateRegion(_, let first):
            return "second demonstrations region (the first is at \(first.start)); a file has at most one"
        case .modelTurnWithoutUserTurn: return "model turn without a user turn before it"
        case .userTurnWithoutModelTurn: return "user turn without a model turn after it"
        case .textOutsideTurn: return "text inside the demonstrations region before the first user turn"
        case .unexpectedRole(let role, _):
            return "role '\(role)' inside the demonstrations region (only 'user' and 'model' turns belong there)"
        case .unknownMarker(let text, _): return "unknown vsynth marker '\(text)' (expected 'vsynth:demos' or '/vsynth:demos')"
        case .emptyTurn(let role, _): return "empty \(role) turn"
        case .otherFormatMarker(let found, let expected, _):
            return "'\(found)' is the marker of the other prompt-file format and is ignored here; this file's format uses '\(expected)'"
        case .malformedTurnTag(let found, _):
            return "malformed turn tag '\(found)': write '{{role \"user\"}}' or '{{role \"model\"}}'; this demonstration is not scored until then"
        case .templateExpression(let found, _):
            return "template expression '\(found)' inside a demonstration: the Dotprompt runtime substitutes it when it renders the prompt, but VSynth scores it as written"
        case .roleNotLowercase(let found, let role, _):
            return "turn tag '\(found)': Dotprompt runtimes read only lowercase role names, so they see no turn here and send its text as part of the turn before it; write '{{role \"\(role)\"}}'"
        case .unrepresentableDemonstration(let index, let reason): return "demonstration \(index + 1) \(reason)"
        case .documentHasErrors(let first): return "cannot edit a prompt file with errors (\(first))"
        case .invalidEdit(let problem): return "invalid edit: \(problem)"
        }
    }

    /// What to do about a problem with the file itself (for the CLI's `hint:` line), if there is
    /// more to say than the message.
    public var hint: String? {
        switch self {
        case .fileNotFound: return "check the path; prompt files end in .prompt or .prompt.md"
        case .isDirectory: return "name a prompt file inside it ('vsynth synthesize DIR' walks a directory)"
        case .unreadable: return "check the file's permissions (it must be readable by this user)"
        case .notRegularFile: return "save the prompt to a regular file and pass that file"
        case .utf16: return "convert it, e.g. 'iconv -f UTF-16 -t UTF-8 FILE > FILE.new', or save it as UTF-8 in the editor"
        case .repeatedByteOrderMark: return "delete the invisible character(s) before '---' on line 1"
        default: return nil
        }
    }

    /// `line:column: message` (1-based, UTF-8 column), or the message alone.
    public var description: String {
        guard let range else { return message }
        return "\(range.start): \(message)"
    }
}

func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
