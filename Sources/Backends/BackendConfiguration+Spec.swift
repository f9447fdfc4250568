import Foundation

extension BackendConfiguration {
    /// The options a spec's query may set, for the error that names an unknown one.
    static let specOptions = "model, api_key_env, timeout, connect_timeout, idle_timeout, max_reply_mib, concurrency, retries, chat"

    /// Parses a backend as one string, for settings (`vsynth.backend`) and the command line:
    /// `[KIND+]URL[?model=M&api_key_env=VAR&timeout=S&connect_timeout=S&idle_timeout=S&max_reply_mib=N&concurrency=N&retries=N&chat=1]`, e.g.
    /// `http://127.0.0.1:8000` (openai), `ollama+http://127.0.0.1:11434?model=llama3`,
    /// `openai+https://vllm.example/v1?api_key_env=VLLM_API_KEY`. `model` applies when the spec names none.
    public init(spec: String, model: String? = nil) throws(BackendError) {
        var text = spec.trimmingCharacters(in: .whitespaces)
        var kind = BackendKind.openai
        if let plus = text.range(of: "+"), !text[..<plus.lowerBound].contains(":") {
            kind = try Backend.kind(String(text[..<plus.lowerBound]))
            text = String(text[plus.upperBound...])
        }
        guard var components = URLComponents(string: text) else {
            throw .invalidConfiguration("'\(spec)' is not a backend: expected [openai+|llama-server+|ollama+]http(s)://host:port")
        }
        let items = components.queryItems ?? []
        components.queryItems = nil
        guard let urlText = components.string else {
            throw .invalidConfiguration("'\(spec)' is not a backend URL")
        }
        self.init(kind: kind, baseURL: try BackendConfiguration.url(urlText), model: model)
        for item in items {
            let value = item.value ?? ""
            func number(_ range: ClosedRange<Double>) throws(BackendError) -> Double {
                guard let number = Double(value), range.contains(number) else {
                    throw .invalidConfiguration("'\(item.name)=\(value)' in backend '\(spec)' needs a number in \(range.lowerBound)...\(range.upperBound)")
                }
                return number
            }
            switch item.name {
            case "model": self.model = value.isEmpty ? nil : value
            case "api_key_env": apiKeyVariable = value.isEmpty ? nil : value
            case "timeout": requestTimeout = try number(0.1...86_400)
            case "connect_timeout": connectTimeout = try number(0.1...86_400)
            case "idle_timeout": idleTimeout = try number(0.1...86_400)
            case "max_reply_mib": maxReplyBytes = Int(try number(1...4096) * Double(1 << 20))
            case "concurrency": concurrency = Int(try number(1...1024))
            case "retries": maxRetries = Int(try number(0...100))
            case "chat": useChatCompletions = value == "1" || value == "true"
            default:
                throw .invalidConfiguration("unknown option '\(item.name)' in backend '\(spec)'; known: \(Self.specOptions)")
            }
        }
    }
}

extension ModelRoles {
    /// Parses roles as one string: `embedded`, one backend spec for both roles, or
    /// `generate=SPEC score=SPEC` (either may be `embedded` or left out, meaning embedded).
    /// `model` applies to the remote backends whose spec names no model.
    public init(spec: String, model: String? = nil) throws(BackendError) {
        let words = spec.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
        func backend(_ text: String) throws(BackendError) -> BackendConfiguration? {
            text == "embedded" ? nil : try BackendConfiguration(spec: text, model: model)
        }
        guard words.contains(where: { $0.hasPrefix("generate=") || $0.hasPrefix("score=") }) else {
            guard words.count == 1 else {
                throw .invalidConfiguration("'\(spec)' is not a backend: expected one backend or generate=… score=…")
            }
            let single = try backend(words[0])
            self.init(generator: single, scorer: single)
            return
        }
        self.init()
        for word in words {
            if word.hasPrefix("generate=") {
                generator = try backend(String(word.dropFirst("generate=".count)))
            } else if word.hasPrefix("score=") {
                scorer = try backend(String(word.dropFirst("score=".count)))
            } else {
                throw .invalidConfiguration("'\(word)' in '\(spec)' is neither generate=… nor score=…")
            }
        }
    }
}
