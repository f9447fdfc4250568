extension Schema {
    /// Why `text` is not a JSON document this schema accepts, or nil when it is one. Any key order
    /// and whitespace are accepted; enum values must be written as listed (no alternative escapes).
    public func violation(in text: String) throws(JSONSchemaError) -> SchemaViolation? {
        var matcher = JSONGrammarMatcher(grammar: try JSONGrammar(schema: self), mode: .validation)
        if matcher.feed(text.utf8), matcher.finish() { return nil }
        return matcher.violation
    }
}
