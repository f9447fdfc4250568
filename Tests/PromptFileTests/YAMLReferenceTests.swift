import Foundation
import TestSupport
import Testing
@testable import PromptFile

/// The parser against PyYAML (made to follow the YAML 1.2 core schema) on the documents of
/// Fixtures/yaml-reference.json, made by scripts/make-yaml-fixture.py.
@Suite struct YAMLReferenceTests {
    struct Case {
        var yaml: String
        var value: Any
    }

    static func cases() throws -> [Case] {
        // VSYNTH_YAML_REFERENCE names another file of the same layout (e.g. a differential campaign).
        let url = ProcessInfo.processInfo.environment["VSYNTH_YAML_REFERENCE"].map { URL(fileURLWithPath: $0) }
            ?? TestFiles.fixtures().appendingPathComponent("yaml-reference.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed]) as? [String: Any]
        let cases = root?["cases"] as? [[String: Any]] ?? []
        return cases.compactMap { item in
            guard let yaml = item["yaml"] as? String, let value = item["value"] else { return nil }
            return Case(yaml: yaml, value: value)
        }
    }

    /// Where `node` differs from the tagged reference value, or nil.
    static func mismatch(_ node: YAMLNode?, _ expected: Any, path: String) -> String? {
        guard let tagged = expected as? [String: Any], let (kind, payload) = tagged.first else { return "\(path): bad fixture" }
        let value = node?.value ?? .null
        switch (kind, value) {
        case ("null", .null): return nil
        case ("bool", .bool(let b)): return (payload as? Bool) == b ? nil : "\(path): \(b) != \(payload)"
        case ("int", .int(let i)): return (payload as? NSNumber)?.intValue == i ? nil : "\(path): \(i) != \(payload)"
        case ("float", .double(let d)):
            guard let text = payload as? String, let want = Double(text) else { return "\(path): bad float" }
            return want == d ? nil : "\(path): \(d) != \(text)"
        case ("str", .string(let s)): return (payload as? String) == s ? nil : "\(path): \(s.debugDescription) != \(String(describing: payload).debugDescription)"
        case ("seq", .sequence(let items)):
            guard let want = payload as? [Any], want.count == items.count else { return "\(path): sequence length \(items.count) != \(payload)" }
            for (index, item) in items.enumerated() {
                if let problem = mismatch(item, want[index], path: "\(path)[\(index)]") { return problem }
            }
            return nil
        case ("map", .mapping(let entries)):
            guard let want = payload as? [[Any]], want.count == entries.count else { return "\(path): mapping size \(entries.count) != \(payload)" }
            for (index, entry) in entries.enumerated() {
                guard want[index].count == 2, let key = want[index][0] as? String, key == entry.key else {
                    return "\(path): key \(entry.key) != \(want[index].first ?? "?")"
                }
                if let problem = mismatch(entry.value, want[index][1], path: "\(path).\(key)") { return problem }
            }
            return nil
        default:
            return "\(path): \(value.kindDescription) where the reference has \(kind) \(payload)"
        }
    }

    @Test func agreesWithPyYAML() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 20)
        for item in cases {
            do {
                let node = try YAML.parse(item.yaml)
                if let problem = Self.mismatch(node, item.value, path: "$") {
                    Issue.record("\(item.yaml.debugDescription): \(problem)")
                }
            } catch {
                // An error where PyYAML reads a value is allowed only in a differential campaign
                // (duplicate keys, which PyYAML accepts, and stricter indentation rules).
                if ProcessInfo.processInfo.environment["VSYNTH_YAML_REFERENCE"] == nil {
                    Issue.record("\(item.yaml.debugDescription): \(error)")
                } else {
                    print("refused: \(item.yaml.debugDescription): \(error)")
                }
            }
        }
    }
}
