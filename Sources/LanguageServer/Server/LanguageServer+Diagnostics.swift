import Foundation
import JSONRPC
import PromptFile
import VSynthesis

/// Diagnostics, inlay hints and hovers: what the scores look like in the editor.
extension LanguageServer {
    /// The V-Score of `demonstration` for `task` under the model and frame `document` is scored
    /// with, if scored already, and the frame's name.
    func cachedScore(in document: PromptDocument, task: String, _ demonstration: Demonstration) -> (score: VScore, frame: String)? {
        guard let engine = readyEngine(for: document) else { return nil }
        let scorer = scorer(engine, for: document)
        return scorer.cachedScore(task: task, demonstration: demonstration).map { ($0, scorer.frame.name) }
    }

    /// The threshold for a file: its own `vsynth.threshold`, else the configuration's.
    func threshold(for document: PromptDocument) -> Double {
        document.settings.threshold ?? configuration.threshold
    }

    /// Parse problems (Error/Warning at their position), one diagnostic per scored demonstration
    /// (Information with its V-Score and per-token value, Warning under the threshold), and a hint
    /// saying how to fill a file that has no demonstrations yet. Demonstrations an error touches
    /// are not scored; the others keep their scores.
    func diagnostics(for document: PromptDocument, converter: PositionConverter) -> [LSPDiagnostic] {
        let ignored = configuration.choosing(for: document.settings).warnings.map { Diagnostic($0, file: document.path) }
        var result: [LSPDiagnostic] = (document.diagnostics + ignored).map { problem in
            LSPDiagnostic(range: problem.range.map(converter.range) ?? LSPRange(start: .init(line: 0, character: 0),
                                                                              end: .init(line: 0, character: 0)),
                          severity: problem.severity == .error ? .error : .warning,
                          code: problem.error.code, message: problem.message)
        }
        guard let task = document.task?.text else { return result }
        if let hint = emptyFileHint(document, converter: converter) { result.append(hint) }
        // Hand-written outputs that break `output.schema`, underlined where they go wrong.
        for problem in document.outputSchemaProblems {
            result.append(LSPDiagnostic(range: converter.range(problem.range), severity: .error, code: DiagnosticCode.outputSchema.rawValue,
                                        message: problem.message,
                                        data: ["index": .integer(Int64(problem.index))]))
        }
        // Hand-written outputs that are not one of the labels (`vsynth.labels`, an enum output schema).
        for problem in document.outputLabelProblems {
            result.append(LSPDiagnostic(range: converter.range(problem.range), severity: .error, code: "output-label",
                                        message: problem.message,
                                        data: ["index": .integer(Int64(problem.index))]))
        }
        let threshold = threshold(for: document)
        for demonstration in document.scorableDemonstrations {
            guard case let (score, frame)? = cachedScore(in: document, task: task, demonstration.demonstration) else { continue }
            let low = score.total < threshold
            var message = "V-Score \(Self.format(score.total)) nats (\(Self.format(score.perToken, digits: 3)) per token, \(score.tokenCount) tokens, frame \(frame))"
            if low { message += ": below the threshold \(Self.format(threshold)); this demonstration fits the task poorly" }
            result.append(LSPDiagnostic(
                range: converter.range(demonstration.user.tagRange), severity: low ? .warning : .information,
                code: (low ? DiagnosticCode.lowVScore : .vscore).rawValue, message: message,
                data: ["index": .integer(Int64(demonstration.index)), "vscore": .double(score.total),
                       "perToken": .double(score.perToken), "frame": .string(frame)]))
        }
        return result
    }

    /// What the diagnostics of an open document (else a watched file) add up to now.
    func counts(of uri: String) -> DocumentCounts? {
        let parsed: PromptDocument
        let converter: PositionConverter
        if let document = documents[uri] {
            parsed = document.parsed
            converter = document.converter(encoding)
        } else if let disk = diskFiles[uri] {
            parsed = disk
            converter = PositionConverter(lines: disk.lines, encoding: encoding)
        } else {
            return nil
        }
        return DocumentCounts(diagnostics: diagnostics(for: parsed, converter: converter), demonstrations: parsed.demonstrations.count)
    }

    /// How to fill a file that has a task but no demonstrations, as an Information diagnostic:
    /// on the region's opening marker (`empty-region`), or at the start of the body when there is
    /// no region (`no-region`). Nil for a file with demonstrations or errors.
    func emptyFileHint(_ document: PromptDocument, converter: PositionConverter) -> LSPDiagnostic? {
        guard document.demonstrations.isEmpty, !document.hasErrors else { return nil }
        let target = topUpTarget(document)
        let how = target > 0
            ? "run the code action '\(Self.topUpTitle(target: target, count: 0))' (command vsynth.topUp; :VsynthTopUp in Vim and Neovim, M-x vsynth-top-up in Emacs)"
            : "run the code action 'VSynth: synthesize 1 demonstration' (command vsynth.synthesize; :VsynthSynthesize in Vim and Neovim, M-x vsynth-synthesize in Emacs)"
        if let region = document.region {
            return LSPDiagnostic(range: converter.range(region.openMarker), severity: .information, code: DiagnosticCode.emptyRegion.rawValue,
                                 message: "no demonstrations yet: \(how) to synthesize them into this region")
        }
        let start = converter.position(of: document.bodyRange.start.offset)
        let place = document.format == .dotprompt ? "before the prompt's last user turn, else at the end of the file" : "at the end of the file"
        return LSPDiagnostic(range: LSPRange(start: start, end: start), severity: .information, code: DiagnosticCode.noRegion.rawValue,
                             message: "no demonstrations region yet: \(how); VSynth creates the region \(place)")
    }

    func inlayHints(_ request: InlayHintRequest) throws -> [InlayHint] {
        guard let document = documents[request.textDocument.uri] else {
            throw LanguageServerError.documentNotOpen(uri: request.textDocument.uri)
        }
        let parsed = document.parsed
        guard let task = parsed.task?.text else { return [] }
        let converter = document.converter(encoding)
        return parsed.scorableDemonstrations.compactMap { demonstration in
            guard case let (score, frame)? = cachedScore(in: parsed, task: task, demonstration.demonstration) else { return nil }
            let position = converter.position(of: demonstration.range.end.offset)
            guard request.range.contains(position) else { return nil }
            return InlayHint(position: position,
                             label: "V \(Self.format(score.total)) (\(Self.format(score.perToken, digits: 3))/tok)",
                             tooltip: "V-Score: ln p(D|T) − ln p(D|∅) in nats, over \(score.tokenCount) tokens, frame \(frame)")
        }
    }

    func hover(_ request: HoverRequest) throws -> Hover? {
        guard let document = documents[request.textDocument.uri] else {
            throw LanguageServerError.documentNotOpen(uri: request.textDocument.uri)
        }
        let converter = document.converter(encoding)
        let offset = converter.offset(of: request.position)
        let parsed = document.parsed
        guard let demonstration = parsed.demonstration(containing: offset) else { return nil }
        let range = converter.range(demonstration.range)
        let markup = HoverMarkup(markdown: !capabilities.prefersPlainTextHover)
        guard let task = parsed.task?.text else {
            return Hover(contents: markup.content("No task definition (\(markup.code("vsynth.task")) or \(markup.code("description"))): nothing to score against."), range: range)
        }
        guard parsed.scorableDemonstrations.contains(demonstration) else {
            return Hover(contents: markup.content("Demonstration \(demonstration.index + 1): not scored: an error in it (or in the file outside the region) must be fixed first."), range: range)
        }
        guard case let (score, frame)? = cachedScore(in: parsed, task: task, demonstration.demonstration) else {
            return Hover(contents: markup.content("Demonstration \(demonstration.index + 1): not scored yet."), range: range)
        }
        return Hover(contents: markup.content(Self.explain(score, index: demonstration.index, threshold: threshold(for: parsed),
                                                           frame: frame, markup: markup)),
                     range: range)
    }

    /// The hover text: both terms, the token count, and the least consistent tokens.
    static func explain(_ score: VScore, index: Int, threshold: Double, frame: String,
                        markup: HoverMarkup = HoverMarkup(markdown: true)) -> String {
        var lines = [
            markup.strong("Demonstration \(index + 1): V-Score \(format(score.total)) nats") + " (\(format(score.perToken, digits: 3)) per token)",
            "",
            "- ln p(D | T) = \(format(score.logpTask)) nats",
            "- ln p(D | ∅) = \(format(score.logpNull)) nats",
            "- \(score.tokenCount) tokens; threshold \(format(threshold)); frame \(markup.code(frame))",
        ]
        let weakest = zip(score.tokenTexts, score.tokenDeltas).enumerated()
            .sorted { $0.element.1 != $1.element.1 ? $0.element.1 < $1.element.1 : $0.offset < $1.offset }
            .prefix(5)
        if !weakest.isEmpty {
            lines.append("")
            lines.append("Least consistent tokens (ln p(t|T) − ln p(t|∅)):")
            for (_, (text, delta)) in weakest {
                let shown = text.replacingOccurrences(of: "\n", with: "⏎").replacingOccurrences(of: "`", with: "'")
                lines.append("- \(markup.code(shown)) \(format(delta, digits: 3))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A number with `digits` decimals.
    static func format(_ value: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value)
    }
}
