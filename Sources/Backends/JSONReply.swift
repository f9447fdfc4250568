import Foundation

/// A parsed JSON reply, read field by field so that a wrong or missing field becomes a
/// `BackendError.malformedReply` naming its path (`choices[0].logprobs.token_logprobs[3]`).
struct JSONReply: @unchecked Sendable {
    /// What `JSONSerialization` produced: NSDictionary, NSArray, NSString, NSNumber or NSNull.
    let raw: Any?
    /// The path of this value from the reply's root, for error messages.
    let path: String
    /// The server URL, for error messages.
    let url: String

    init(raw: Any?, path: String, url: String) {
        self.raw = raw
        self.path = path
        self.url = url
    }

    /// Parses `data` as a JSON document.
    static func parse(_ data: Data, url: String) throws(BackendError) -> JSONReply {
        do {
            let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return JSONReply(raw: object, path: "", url: url)
        } catch {
            let preview = String(decoding: data.prefix(80), as: UTF8.self)
            throw .malformedReply(url: url, field: "(body)", problem: "is not JSON: \(preview)")
        }
    }

    private func child(_ raw: Any?, _ component: String) -> JSONReply {
        JSONReply(raw: raw, path: path.isEmpty ? component : path + component, url: url)
    }

    func fail(_ problem: String) -> BackendError {
        .malformedReply(url: url, field: path.isEmpty ? "(root)" : path, problem: problem)
    }

    /// Whether the value is absent or JSON null.
    var isNull: Bool { raw == nil || raw is NSNull }

    /// The member `key` (absent members read as null; the accessors then say "is missing").
    subscript(key: String) -> JSONReply {
        let dictionary = raw as? [String: Any]
        return child(dictionary?[key], path.isEmpty ? key : "." + key)
    }

    /// The member `key` if this is an object that has it.
    func optional(_ key: String) -> JSONReply? {
        guard let dictionary = raw as? [String: Any], let value = dictionary[key], !(value is NSNull) else { return nil }
        return child(value, path.isEmpty ? key : "." + key)
    }

    func object() throws(BackendError) -> [String: JSONReply] {
        guard let dictionary = raw as? [String: Any] else { throw fail(isNull ? "is missing" : "is not an object") }
        var result: [String: JSONReply] = [:]
        for (key, value) in dictionary { result[key] = child(value, path.isEmpty ? key : "." + key) }
        return result
    }

    func array() throws(BackendError) -> [JSONReply] {
        guard let array = raw as? [Any] else { throw fail(isNull ? "is missing" : "is not an array") }
        return array.enumerated().map { child($0.element, "[\($0.offset)]") }
    }

    func string() throws(BackendError) -> String {
        guard let string = raw as? String else { throw fail(isNull ? "is missing" : "is not a string") }
        return string
    }

    func double() throws(BackendError) -> Double {
        guard let number = raw as? NSNumber else {
            throw fail(isNull ? "is missing" : "is not a number")
        }
        let value = number.doubleValue
        guard value.isFinite else { throw fail("is not finite") }
        return value
    }

    func int() throws(BackendError) -> Int {
        let value = try double()
        guard value == value.rounded(), abs(value) < 9e15 else { throw fail("is not an integer") }
        return Int(value)
    }

    /// A number or null.
    func optionalDouble() throws(BackendError) -> Double? {
        isNull ? nil : try double()
    }

    /// The values a server's log-probability may take: ln p ≤ 0, with `roundingSlack` above 0 for
    /// servers whose float arithmetic lands a hair over (read as 0), and nothing below `floor`, which
    /// no float32 softmax produces (its smallest is about -104; vLLM writes -inf as -9999) and whose
    /// sums would overflow to -inf, and then to NaN V-Scores.
    static let logprobFloor = -100_000.0
    static let roundingSlack = 1e-6

    /// A log-probability: finite and in `logprobFloor...roundingSlack` (a value above 0 reads as 0).
    /// Anything else (1e308, 0.5, -1e308) is a malformed reply naming the field, never a NaN score.
    func logprob() throws(BackendError) -> Double {
        let value = try double()
        guard value >= Self.logprobFloor, value <= Self.roundingSlack else {
            throw fail("is not a log-probability (\(value); expected a number in \(Int(Self.logprobFloor))...0)")
        }
        return min(value, 0)
    }

    /// A log-probability or null.
    func optionalLogprob() throws(BackendError) -> Double? {
        isNull ? nil : try logprob()
    }

    /// A count (tokens generated, entries): an integer in 0...Int32.max.
    func count() throws(BackendError) -> Int {
        let value = try int()
        guard value >= 0, value <= Int(Int32.max) else { throw fail("is not a count (\(value))") }
        return value
    }

    func bool() throws(BackendError) -> Bool {
        guard let number = raw as? Bool else { throw fail(isNull ? "is missing" : "is not a boolean") }
        return number
    }
}
