/// The turn markers of a chat template. The V-Score frame (README, "Frames") and the generation
/// prompts are built from them, so a model is scored and prompted in the turns it was trained on:
///
///     context(x) = systemTurn(x)                      (the engine puts BOS first when the model adds one)
///     D          = userTurn(X, afterSystem: true) + assistantTurn(Y)
///
/// Only the turn markers are used: no default system prompt, date line or thinking block.
public struct ChatTemplate: Hashable, Sendable, Codable {
    /// The templates VSynth knows, one per family of turn markers.
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        case chatml, llama3, gemma, plain

        /// The kind whose turn markers a model's `tokenizer.chat_template` (Jinja text) uses; `plain`
        /// for a model without one (a base model) or with markers VSynth does not know.
        public init(chatTemplate: String?) {
            let text = chatTemplate ?? ""
            if text.contains("<|im_start|>") { self = .chatml }
            else if text.contains("<|start_header_id|>") { self = .llama3 }
            else if text.contains("<start_of_turn>") { self = .gemma }
            else { self = .plain }
        }

        /// The names `--frame` and `vsynth.frame` accept, in the order help text lists them.
        public static var names: [String] { allCases.map(\.rawValue) }
    }

    public var name: String
    public var systemPrefix: String
    public var userPrefix: String
    public var assistantPrefix: String
    /// Ends the assistant's turn (and every turn unless `systemSuffix`/`userSuffix` say otherwise).
    public var turnSuffix: String
    public var systemSuffix: String
    public var userSuffix: String
    /// The template has no system role (Gemma): the system text heads the first user turn, a blank
    /// line after it, an empty one leaves only the turn's opening, and that user turn then goes on
    /// without a prefix of its own.
    public var systemInUserTurn: Bool

    public init(name: String, systemPrefix: String, userPrefix: String, assistantPrefix: String,
                turnSuffix: String, systemSuffix: String? = nil, userSuffix: String? = nil,
                systemInUserTurn: Bool = false) {
        self.name = name
        self.systemPrefix = systemPrefix
        self.userPrefix = userPrefix
        self.assistantPrefix = assistantPrefix
        self.turnSuffix = turnSuffix
        self.systemSuffix = systemSuffix ?? turnSuffix
        self.userSuffix = userSuffix ?? turnSuffix
        self.systemInUserTurn = systemInUserTurn
    }

    /// The template of `kind`; the one table of turn markers.
    public init(_ kind: Kind) {
        switch kind {
        case .chatml:
            self.init(name: "chatml", systemPrefix: "<|im_start|>system\n", userPrefix: "<|im_start|>user\n",
                      assistantPrefix: "<|im_start|>assistant\n", turnSuffix: "<|im_end|>\n")
        case .llama3:
            self.init(name: "llama3", systemPrefix: "<|start_header_id|>system<|end_header_id|>\n\n",
                      userPrefix: "<|start_header_id|>user<|end_header_id|>\n\n",
                      assistantPrefix: "<|start_header_id|>assistant<|end_header_id|>\n\n", turnSuffix: "<|eot_id|>")
        case .gemma:
            self.init(name: "gemma", systemPrefix: "<start_of_turn>user\n", userPrefix: "<start_of_turn>user\n",
                      assistantPrefix: "<start_of_turn>model\n", turnSuffix: "<end_of_turn>\n",
                      systemSuffix: "\n\n", systemInUserTurn: true)
        case .plain:
            // A base model sees paragraphs: the task, then each example's labelled lines.
            self.init(name: "plain", systemPrefix: "", userPrefix: "", assistantPrefix: "", turnSuffix: "\n\n",
                      systemSuffix: "\n\n", userSuffix: "\n")
        }
    }

    /// ChatML as SmolLM2-Instruct uses it.
    public static let chatML = ChatTemplate(.chatml)

    /// The known kind this template is, if any.
    public var kind: Kind? { Kind(rawValue: name).flatMap { ChatTemplate($0) == self ? $0 : nil } }

    /// The system turn (`context(x)` of the V-Score frame).
    public func systemTurn(_ text: String) -> String {
        if systemInUserTurn, text.isEmpty { return systemPrefix }
        return systemPrefix + text + systemSuffix
    }

    /// A user turn; `afterSystem` when it directly follows `systemTurn`, which a template without a
    /// system role has already opened.
    public func userTurn(_ text: String, afterSystem: Bool = false) -> String {
        (afterSystem && systemInUserTurn ? "" : userPrefix) + text + userSuffix
    }

    public func assistantTurn(_ text: String) -> String { assistantPrefix + text + turnSuffix }

    /// A prompt that asks for the assistant's answer: the optional system turn, the user turn, and
    /// the assistant turn opened.
    public func prompt(system: String? = nil, user: String) -> String {
        (system.map(systemTurn) ?? "") + userTurn(user, afterSystem: system != nil) + assistantPrefix
    }
}
