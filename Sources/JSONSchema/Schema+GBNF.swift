/// The schema as a GBNF grammar (llama.cpp's grammar format), for servers that constrain decoding
/// with a grammar rather than a JSON Schema (llama-cpp-python's `/v1/completions` takes only
/// `grammar`). It follows `JSONGrammar`'s choices: properties in the order written, required ones
/// always present, optional ones skippable, `maxItems` and `maxLength` as repetition bounds, enums
/// as literal alternatives, at most one space where JSON allows whitespace (no newlines, as `JSONGrammar` generates).
extension Schema {
    public var gbnf: String {
        var writer = GBNFWriter()
        let root = writer.rule(for: self)
        return (["root ::= \(root)"] + writer.rules + GBNFWriter.shared).joined(separator: "\n") + "\n"
    }
}

/// Writes one rule per sub-schema (`n0`, `n1`, …) below the shared JSON rules.
struct GBNFWriter {
    var rules: [String] = []

    static let shared = [
        #"ws ::= " "?"#,
        #"char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})"#,
        #"string ::= "\"" char* "\"""#,
        #"integer ::= "-"? ([0-9] | [1-9] [0-9]{0,15})"#,
        #"number ::= integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?"#,
        #"boolean ::= "true" | "false""#,
        #"value ::= object | array | string | number | boolean | "null""#,
        #"object ::= "{" ws (string ":" ws value ("," ws string ":" ws value)*)? ws "}""#,
        #"array ::= "[" ws (value ("," ws value)*)? ws "]""#,
    ]

    /// A GBNF string literal matching `text` exactly. Every text put in one here is JSON text
    /// (a key or enum value as JSON writes it), which holds no raw control characters, and GBNF
    /// escapes quotes and backslashes as JSON does: JSON's own quoting is GBNF's.
    static func literal(_ text: String) -> String { JSONText.quoted(text) }

    /// Adds `body` as a new rule and returns its name.
    mutating func add(_ body: String) -> String {
        let name = "n\(rules.count)"
        rules.append("\(name) ::= \(body)")
        return name
    }

    /// The expression for a value of `schema` (a shared rule's name, or a new rule's).
    mutating func rule(for schema: Schema) -> String {
        var body: String
        switch schema.kind {
        case .any: body = "value"
        case .string:
            body = schema.maxLength.map { #""\"" char{0,\#($0)} "\"""# } ?? "string"
        case .number: body = "number"
        case .integer: body = "integer"
        case .boolean: body = "boolean"
        case .null: body = #""null""#
        case .enumeration(let values):
            body = values.map { Self.literal($0.json) }.joined(separator: " | ")
        case .array(let items):
            let item = rule(for: items)
            if let maxItems = schema.maxItems {
                body = maxItems == 0 ? #""[" ws "]""#
                    : #""[" ws (\#(item) ("," ws \#(item)){0,\#(maxItems - 1)})? ws "]""#
            } else {
                body = #""[" ws (\#(item) ("," ws \#(item))*)? ws "]""#
            }
        case .object(let properties, let additional):
            body = properties.isEmpty && additional ? "object" : object(properties)
        }
        if schema.nullable, schema.kind != .null { body = "(\(body)) | \"null\"" }
        return add(body)
    }

    /// `{` the properties in order `}`: `first(i)` is the rest of the object when nothing has
    /// been written yet (an optional property may be skipped), `after(i)` when something has (each
    /// property then starts with a comma).
    mutating func object(_ properties: [SchemaProperty]) -> String {
        let pairs = properties.map { property in
            "\(Self.literal(JSONText.quoted(property.name))) \":\" ws \(rule(for: property.schema))"
        }
        func after(_ index: Int) -> String {
            (index..<properties.count).map { i in
                properties[i].required ? "\",\" ws \(pairs[i])" : "(\",\" ws \(pairs[i]))?"
            }.joined(separator: " ")
        }
        var first = ""   // the empty rest: nothing more to write
        for index in stride(from: properties.count - 1, through: 0, by: -1) {
            let taken = [pairs[index], after(index + 1)].filter { !$0.isEmpty }.joined(separator: " ")
            if properties[index].required {
                first = add(taken)
            } else {
                first = add(first.isEmpty ? "(\(taken))?" : "\(taken) | \(first)")
            }
        }
        return #""{" ws \#(first) ws "}""#
    }
}
