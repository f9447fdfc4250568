import JSONRPC
import PromptFile
import VSynthesis

/// `workspace/executeCommand`, code actions and `codeAction/resolve`.
extension LanguageServer {
    func execute(_ request: ExecuteCommandRequest) async throws -> JSONValue {
        guard let command = ServerCommand(rawValue: request.command) else {
            throw LanguageServerError.unknownCommand(request.command)
        }
        let argument = request.arguments?.first ?? .object([:])
        guard argument.objectValue != nil else {
            throw LanguageServerError.invalidArguments(command: command.rawValue, reason: "expected one argument object {uri, ...}")
        }
        let uri = argument["uri"]?.stringValue
        func requireURI() throws -> String {
            guard let uri else {
                throw LanguageServerError.invalidArguments(command: command.rawValue, reason: "missing the string argument uri")
            }
            return uri
        }
        switch command {
        case .synthesize:
            var n: Int?
            if let value = argument["n"], !value.isNull {
                guard let number = value.integerValue.flatMap({ Int(exactly: $0) }), Limits.demonstrations.contains(number) else {
                    throw LanguageServerError.invalidArguments(command: command.rawValue,
                        reason: "n must be an integer in \(Limits.text(Limits.demonstrations)), got \(value.serializedString())")
                }
                n = number
            }
            return try startJob(.synthesize, uri: try requireURI(), requested: n)
        case .topUp:
            return try startJob(.topUp, uri: try requireURI(), requested: nil)
        case .replaceWeakest:
            return try startJob(.replaceWeakest, uri: try requireURI(), requested: nil)
        case .rescore:
            let uri = try requireURI()
            guard documents[uri] != nil else { throw LanguageServerError.documentNotOpen(uri: uri) }
            if argument["wait"]?.boolValue == true {
                scoringTasks[uri]?.cancel()
                let scores = try await scoreNow(uri)
                return .object(["scores": .array(scores.map { .double($0.total) })])
            }
            scheduleScoring(uri, debounce: false)
            return .object(["scheduled": true])
        case .cancel:
            let count = cancelJobs { uri == nil || $0.uri == uri }
            return .object(["cancelled": .integer(Int64(count))])
        case .refresh:
            return try refresh(try requireURI())
        }
    }

    /// What saving a `refresh: on-save` file does, and `vsynth.refresh` on demand: a top-up when
    /// the file holds fewer than its `count` and can take one (the answer is the top-up's), else a
    /// rescore now, answered with `started: false`, `rescoring: true` and why there was no top-up.
    func refresh(_ uri: String) throws -> JSONValue {
        guard let document = documents[uri] else { throw LanguageServerError.documentNotOpen(uri: uri) }
        let parsed = document.parsed
        let target = topUpTarget(parsed)
        let held = parsed.demonstrations.count
        if held < target, jobs[uri] == nil, !parsed.hasErrors, parsed.task != nil {
            return try startJob(.topUp, uri: uri, requested: nil)
        }
        scheduleScoring(uri, debounce: false)
        let why = jobs[uri] != nil ? "a synthesis is already running for this file"
            : held >= target ? "the file already holds \(held) of \(target) demonstrations"
            : parsed.task == nil ? "no task definition: set vsynth.task or description"
            : "fix the file's errors first to top it up"
        return .object(["started": false, "rescoring": true, "message": .string("\(why); rescoring")])
    }

    /// The actions for a place in a prompt file. Each carries the command at once (for clients
    /// that never resolve) and `data` naming it (for `codeAction/resolve`).
    func codeActions(_ request: CodeActionRequest) throws -> [CodeAction] {
        let uri = request.textDocument.uri
        guard let document = documents[uri] else { throw LanguageServerError.documentNotOpen(uri: uri) }
        let parsed = document.parsed
        if let only = request.context.only, !only.contains(where: { "source".hasPrefix($0) || $0.hasPrefix("source") || $0 == "quickfix" }) {
            return []
        }
        if jobs[uri] != nil { return [action(.cancel, uri: uri, title: "VSynth: cancel the running synthesis")] }
        guard !parsed.hasErrors, parsed.task != nil else { return [] }
        let count = parsed.demonstrations.count
        let target = topUpTarget(parsed)
        var actions = [action(.synthesize, uri: uri, title: "VSynth: synthesize 1 demonstration", extra: ["n": 1])]
        if target > count {
            actions.append(action(.topUp, uri: uri, title: Self.topUpTitle(target: target, count: count)))
        }
        if let task = parsed.task?.text,
           parsed.demonstrations.contains(where: { cachedScore(in: parsed, task: task, $0.demonstration) != nil }) {
            var replace = action(.replaceWeakest, uri: uri, title: "VSynth: replace the weakest demonstration")
            replace.diagnostics = request.context.diagnostics.filter { $0.serverCode == .lowVScore }
            replace.kind = replace.diagnostics?.isEmpty == false ? "quickfix" : "source"
            actions.append(replace)
        }
        if count > 0 { actions.append(action(.rescore, uri: uri, title: "VSynth: rescore demonstrations")) }
        return actions
    }

    /// The top-up action's title (the empty-file hint names it).
    static func topUpTitle(target: Int, count: Int) -> String {
        "VSynth: top up to \(target) demonstrations (\(target - count) more)"
    }

    /// An action running `command` on `uri`.
    func action(_ command: ServerCommand, uri: String, title: String, extra: [String: JSONValue] = [:]) -> CodeAction {
        var argument: [String: JSONValue] = ["uri": .string(uri)]
        for (key, value) in extra { argument[key] = value }
        return CodeAction(title: title, kind: "source",
                          command: Command(title: title, command: command.rawValue, arguments: [.object(argument)]),
                          data: ["command": .string(command.rawValue), "arguments": .array([.object(argument)])])
    }

    func resolve(_ request: CodeActionResolveRequest) throws -> CodeAction {
        var action = request.action
        guard action.command == nil else { return action }
        guard let name = action.data?["command"]?.stringValue, ServerCommand(rawValue: name) != nil else {
            throw ResponseError.invalidParams("codeAction/resolve: the action's data names no vsynth command")
        }
        action.command = Command(title: action.title, command: name, arguments: action.data?["arguments"]?.arrayValue)
        return action
    }
}
