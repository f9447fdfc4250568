/// The user turn a prompt file sends after its demonstrations, e.g. `Question: {{question}}\n
/// Context: {{context}}`, as literal text and `{{field}}` placeholders. A synthesized demonstration of
/// a file with several input fields is this template rendered with generated values, so the
/// demonstrations look exactly like the input the prompt will receive.
public struct InputTemplate: Hashable, Sendable, Codable {
    public enum Part: Hashable, Sendable, Codable {
        case text(String)
        case field(String)
    }

    public var parts: [Part]

    public init(parts: [Part]) {
        self.parts = parts
    }

    /// Reads `text` (the turn, trimmed); nil when it holds no field or anything but plain
    /// `{{name}}` placeholders (helpers, blocks, partials, comments), which cannot be rendered back.
    public init?(_ text: String) {
        var parts: [Part] = []
        var rest = Substring(text.trimmingWhitespace)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingWhitespace
            guard Self.isFieldName(name) else { return nil }
            parts.append(.field(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        guard parts.contains(where: { if case .field = $0 { true } else { false } }) else { return nil }
        self.parts = parts
    }

    /// A plain variable: letters, digits, `_` and `.` paths, not starting with a digit; Dotprompt's
    /// `{{history}}` and Handlebars' `{{this}}` are not input fields.
    static func isFieldName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_", name != "history", name != "this" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// The distinct fields in the order they first appear.
    public var fields: [String] {
        var seen = Set<String>()
        return parts.compactMap { part in
            if case let .field(name) = part, seen.insert(name).inserted { return name }
            return nil
        }
    }

    /// What the generation prompt calls a field: `order_id` → `Order id`.
    /// Whether `field`'s value must stay on one line: the template text right after it begins a
    /// new line with more of the template (`Subject: {{subject}}\nBody: {{body}}`), so a line break
    /// inside the value would read back as the start of that line. The last field may span lines.
    public func isOneLine(_ field: String) -> Bool {
        guard let index = parts.firstIndex(of: .field(field)), index + 1 < parts.count,
              case let .text(next) = parts[index + 1] else { return false }
        let rest = next.drop { $0 == " " || $0 == "\t" }
        return rest.first == "\n" && (index + 2 < parts.count || rest.contains { !$0.isWhitespace })
    }

    public static func promptLabel(_ field: String) -> String {
        let spaced = field.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// The turn with each field replaced by its value (a missing value renders empty, as Handlebars does).
    public func render(_ values: [String: String]) -> String {
        parts.map { part in
            switch part {
            case let .text(text): text
            case let .field(name): values[name] ?? ""
            }
        }.joined()
    }

    /// The field values of a rendered turn, matching the literal text in order; nil when `text` does
    /// not have the template's shape (a field repeated with two different values included).
    public func values(in text: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(text.trimmingWhitespace)
        var index = 0
        while index < parts.count {
            switch parts[index] {
            case let .text(literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
                index += 1
            case let .field(name):
                var value: Substring
                if index + 1 < parts.count, case let .text(next) = parts[index + 1] {
                    guard let end = rest.range(of: next) else { return nil }
                    value = rest[..<end.lowerBound]
                    rest = rest[end.lowerBound...]
                } else {
                    value = rest
                    rest = ""
                }
                let trimmed = String(value).trimmingWhitespace
                if let earlier = values[name], earlier != trimmed { return nil }
                values[name] = trimmed
                index += 1
            }
        }
        return rest.isEmpty ? values : nil
    }
}
