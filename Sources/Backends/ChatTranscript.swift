import LanguageModel

/// A prompt rendered in a chat template, read back into chat messages for servers that generate
/// only through `/v1/chat/completions`. The prompt must be whole turns (system, user, assistant)
/// ending with an open assistant turn, as VSynth's generation prompts are.
struct ChatTranscript: Equatable {
    struct Message: Equatable {
        var role: String
        var content: String
    }

    var messages: [Message]

    /// Splits `prompt` at the template's turn markers; `nil` when it is not in that shape.
    init?(prompt: String, template: ChatTemplate) {
        let roles = [("system", template.systemPrefix), ("user", template.userPrefix), ("assistant", template.assistantPrefix)]
        var rest = Substring(prompt)
        var messages: [Message] = []
        while !rest.isEmpty {
            guard let (role, prefix) = roles.first(where: { !$0.1.isEmpty && rest.hasPrefix($0.1) }) else { return nil }
            rest = rest.dropFirst(prefix.count)
            if role == "assistant", rest.isEmpty { break }   // the open turn the model completes
            guard let end = rest.range(of: template.turnSuffix) else { return nil }
            messages.append(Message(role: role, content: String(rest[..<end.lowerBound])))
            rest = rest[end.upperBound...]
            if rest.isEmpty { return nil }                    // no open assistant turn
        }
        guard !messages.isEmpty else { return nil }
        self.messages = messages
    }

    var json: [[String: String]] { messages.map { ["role": $0.role, "content": $0.content] } }
}
