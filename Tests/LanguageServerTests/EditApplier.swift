import Foundation
import JSONRPC
@testable import LanguageServer
import PromptFile

/// Applies LSP edits to a text the way an editor does, in the session's position encoding.
enum EditApplier {
    static func apply(_ edits: [LSPTextEdit], to text: String, encoding: PositionEncoding = .utf8) -> String {
        let converter = PositionConverter(lines: LineIndex(Array(text.utf8)), encoding: encoding)
        let spans = edits.map { (converter.offset(of: $0.range.start), converter.offset(of: $0.range.end), $0.newText) }
            .sorted { $0.0 > $1.0 }
        var bytes = Array(text.utf8)
        for (start, end, newText) in spans { bytes.replaceSubrange(start..<end, with: Array(newText.utf8)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The edits of a `workspace/applyEdit` for `uri`, from `documentChanges` or `changes`.
    static func edits(in request: RequestMessage, uri: String) throws -> (version: Int?, edits: [LSPTextEdit]) {
        let params = try request.decode(ApplyEditRequest.self)
        if let changes = params.edit.documentChanges, let change = changes.first(where: { $0.textDocument.uri == uri }) {
            return (change.textDocument.version, change.edits)
        }
        return (nil, params.edit.changes?[uri] ?? [])
    }
}
