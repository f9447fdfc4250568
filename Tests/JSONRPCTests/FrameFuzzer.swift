@testable import JSONRPC
import Support

/// Makes seeded streams of random, malformed and mutated LSP frames.
struct FrameFuzzer {
    var rng: SplitMix64
    /// The size limit of the reader under test; some frames declare more.
    let maximumMessageSize: Int

    init(seed: UInt64, maximumMessageSize: Int) {
        rng = SplitMix64(seed: seed)
        self.maximumMessageSize = maximumMessageSize
    }

    /// One frame, well formed or not, chosen among every kind of damage the reader must survive.
    mutating func nextFrame() -> [UInt8] {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0, 1:
            return frame(body: randomMessage())
        case 2:
            return frame(body: JSONValue.random(depth: 3, using: &rng).serialized())
        case 3, 4:
            return mutate(frame(body: randomMessage()))
        case 5:
            // A length that lies, by a little or a lot.
            let body = randomMessage()
            let lie = [body.count + Int.random(in: 1...40, using: &rng),
                       max(0, body.count - Int.random(in: 1...40, using: &rng)),
                       Int.random(in: 0...(maximumMessageSize * 2), using: &rng)].randomElement(using: &rng) ?? 0
            return Array("Content-Length: \(lie)\r\n\r\n".utf8) + body
        case 6:
            let whole = frame(body: randomMessage())
            return Array(whole[..<Int.random(in: 0...whole.count, using: &rng)])
        case 7:
            return (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 8:
            return randomHeaders() + frame(body: randomMessage()).dropFirst(0)
        case 9:
            // Invalid UTF-8 inside a string.
            var body = Array(#"{"jsonrpc":"2.0","method":"x","params":{"s":""#.utf8)
            body += [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]]
                .randomElement(using: &rng) ?? []
            body += Array(#""}}"#.utf8)
            return frame(body: body)
        case 10:
            let depth = Int.random(in: 500...530, using: &rng)
            return frame(body: Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8))
        default:
            // Over the size limit, with only part of the declared body sent.
            let declared = maximumMessageSize + Int.random(in: 1...10_000, using: &rng)
            return Array("Content-Length: \(declared)\r\n\r\n".utf8)
                + Array(repeating: UInt8(ascii: " "), count: Int.random(in: 0...300, using: &rng))
        }
    }

    func frame(body: [UInt8]) -> [UInt8] { MessageFramer.frame(body: body) }

    mutating func randomMessage() -> [UInt8] {
        let params = JSONValue.random(depth: 2, using: &rng)
        let id: JSONValue = Bool.random(using: &rng) ? .integer(Int64.random(in: 1_000_000...2_000_000, using: &rng))
                                                      : .string(JSONValue.randomString(using: &rng))
        let message: JSONValue
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: message = ["jsonrpc": "2.0", "id": id, "method": "test/echo", "params": ["text": "fuzz"]]
        case 1: message = ["jsonrpc": "2.0", "method": .string(JSONValue.randomString(using: &rng)), "params": params]
        case 2: message = ["jsonrpc": "2.0", "id": id, "result": params]
        default: message = ["jsonrpc": "2.0", "id": id, "method": "x", "params": params]
        }
        return message.serialized()
    }

    mutating func randomHeaders() -> [UInt8] {
        let lines = ["Content-Type: application/vscode-jsonrpc; charset=utf-8", "Content-Type: text/plain; charset=latin1",
                     "X-Whatever: 1", "Content-Length: 12", "content-length: x", "Bad Header", ": empty",
                     "Content-Length: 99999999999999999999999"]
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            out += Array((lines.randomElement(using: &rng) ?? "") .utf8)
            out += Array(([("\r\n"), "\n", "\r\n\r\n"].randomElement(using: &rng) ?? "").utf8)
        }
        return out
    }

    /// Flips, inserts, deletes or duplicates a few bytes anywhere in the frame.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2: bytes.remove(at: at)
            default:
                let end = min(bytes.count, at + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
        }
        return bytes
    }
}
