import JSONRPC
import Support

/// Seeded LSP traffic for the daemon's fuzz and soak tests: well-formed messages of every method the
/// server handles (with random positions, ranges, texts and arguments), the same messages mutated
/// byte by byte, lying lengths, broken headers and garbage.
struct LSPFuzzer {
    var rng: SplitMix64
    let uris = ["file:///fuzz/a.prompt", "file:///fuzz/b.prompt.md", "file:///fuzz/c.prompt"]
    var versions: [String: Int] = [:]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func text() -> String {
        let pieces = ["{{role \"user\"}}\n", "{{role \"model\"}}\n", "{{!-- vsynth:demos --}}\n", "{{!-- /vsynth:demos --}}\n",
                      "---\n", "description: classify\n", "vsynth:\n  count: 3\n", "hello ", "😀", "é", "\r\n", "\n",
                      "### User\n", "<!-- vsynth:demos -->", "{{", "}}", "\t", "\u{0}"]
        return (0..<int(0...12)).map { _ in pieces[int(0...pieces.count - 1)] }.joined()
    }

    mutating func position() -> JSONValue {
        ["line": .integer(Int64(int(-1...30))), "character": .integer(Int64(int(-1...80)))]
    }

    mutating func range() -> JSONValue { ["start": position(), "end": position()] }

    /// One well-formed message (never `exit`, `shutdown` or `initialize`).
    mutating func message(id: Int64) -> JSONValue {
        let uri = JSONValue.string(uris[int(0...uris.count - 1)])
        let document: JSONValue = ["uri": uri]
        switch int(0...9) {
        case 0:
            let version = (versions[uri.stringValue ?? ""] ?? 0) + 1
            versions[uri.stringValue ?? ""] = version
            return ["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": [
                "uri": uri, "languageId": "prompt", "version": .integer(Int64(version)), "text": .string(text())]]]
        case 1, 2:
            let version = (versions[uri.stringValue ?? ""] ?? 0) + 1
            versions[uri.stringValue ?? ""] = version
            let change: JSONValue = int(0...5) == 0 ? ["text": .string(text())] : ["range": range(), "text": .string(text())]
            return ["jsonrpc": "2.0", "method": "textDocument/didChange", "params": [
                "textDocument": ["uri": uri, "version": .integer(Int64(version))], "contentChanges": [change]]]
        case 3:
            return ["jsonrpc": "2.0", "id": .integer(id), "method": "textDocument/hover",
                    "params": ["textDocument": document, "position": position()]]
        case 4:
            return ["jsonrpc": "2.0", "id": .integer(id), "method": "textDocument/inlayHint",
                    "params": ["textDocument": document, "range": range()]]
        case 5:
            return ["jsonrpc": "2.0", "id": .integer(id), "method": "textDocument/codeAction",
                    "params": ["textDocument": document, "range": range(), "context": ["diagnostics": []]]]
        case 6:
            let commands = ["vsynth.synthesize", "vsynth.topUp", "vsynth.replaceWeakest", "vsynth.rescore", "vsynth.cancel", "vsynth.x"]
            return ["jsonrpc": "2.0", "id": .integer(id), "method": "workspace/executeCommand",
                    "params": ["command": .string(commands[int(0...commands.count - 1)]),
                               "arguments": [["uri": uri, "n": .integer(Int64(int(-1...3)))]]]]
        case 7:
            return ["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": .integer(id - Int64(int(0...3)))]]
        case 8:
            return ["jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                    "params": ["settings": ["vsynth": ["threshold": .double(Double(int(-5...5))), "debounce": .integer(Int64(int(0...5)))]]]]
        default:
            return ["jsonrpc": "2.0", "method": "textDocument/didClose", "params": ["textDocument": document]]
        }
    }

    static func frame(_ body: [UInt8]) -> [UInt8] { Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body }

    /// One frame: mostly valid LSP, a good share mutated or malformed.
    mutating func nextFrame(id: Int64) -> [UInt8] {
        let body = message(id: id).serialized()
        switch int(0...9) {
        case 0...4: return Self.frame(body)
        case 5, 6: return mutate(Self.frame(body))
        case 7: return Self.frame(mutate(body))
        case 8: return Array("Content-Length: \(max(0, body.count + int(-20...20)))\r\n\r\n".utf8) + body
        default: return (0..<int(0...48)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<int(1...4) {
            guard !bytes.isEmpty else { break }
            let at = int(0...bytes.count - 1)
            switch int(0...3) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2: bytes.remove(at: at)
            default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + int(1...16))], at: at)
            }
        }
        return bytes
    }
}
