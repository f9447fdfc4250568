import Foundation
import Support
import Testing
@testable import JSONRPC

struct Position: Codable, Equatable { var line: Int; var character: UInt32 }
enum Severity: Int, Codable, Equatable { case error = 1, warning = 2 }
struct Diagnostic: Codable, Equatable {
    var range: [Position]
    var severity: Severity?
    var message: String
    var score: Double
    var tags: [String: Bool]
    var data: JSONValue?
    var big: UInt64
}

@Suite struct CodableTests {
    let sample = Diagnostic(range: [Position(line: 1, character: 2), Position(line: 3, character: 0)],
                            severity: .warning, message: "low \"consistency\" ✓", score: -1.25,
                            tags: ["a": true], data: ["nested": [1, "x", nil]], big: .max)

    @Test func encodesToTheExpectedValue() throws {
        let value = try JSONValue(encoding: sample)
        #expect(value == ["range": [["line": 1, "character": 2], ["line": 3, "character": 0]],
                          "severity": 2, "message": "low \"consistency\" ✓", "score": -1.25,
                          "tags": ["a": true], "data": ["nested": [1, "x", nil]],
                          "big": .double(Double(UInt64.max))])
        var withoutOptionals = sample
        withoutOptionals.severity = nil
        withoutOptionals.data = nil
        withoutOptionals.big = 7
        let reduced = try JSONValue(encoding: withoutOptionals)
        #expect(reduced["severity"] == nil && reduced["data"] == nil, "nil optionals are omitted")
        #expect(try reduced.decode(Diagnostic.self) == withoutOptionals)
    }

    @Test func roundTripsThroughTextAndFoundation() throws {
        var value = sample
        value.big = 12345
        let text = try JSONValue(encoding: value).serialized()
        #expect(try JSONParser.parse(text).decode(Diagnostic.self) == value)
        // Interoperates with Foundation's coders both ways.
        #expect(try JSONDecoder().decode(Diagnostic.self, from: Data(text)) == value)
        let foundationText = try JSONEncoder().encode(value)
        #expect(try JSONParser.parse(Array(foundationText)).decode(Diagnostic.self) == value)
    }

    @Test func randomValuesRoundTripThroughCodable() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            let value = JSONValue.random(depth: 4, using: &rng)
            #expect(try JSONValue(encoding: value) == value)
            #expect(try value.decode(JSONValue.self) == value)
            #expect(try JSONValue(encoding: ["wrapped": value]).decode([String: JSONValue].self) == ["wrapped": value])
        }
    }

    @Test func strictNumbersAndPathsInErrors() throws {
        #expect(try JSONValue.double(3.0).decode(Int.self) == 3)
        #expect(throws: JSONRPCError.decodingFailed("number 3.5 does not fit in Int at the top level")) {
            try JSONValue.double(3.5).decode(Int.self)
        }
        #expect(throws: JSONRPCError.decodingFailed("number -1 does not fit in UInt32 at range[0].character")) {
            try (["range": [["line": 0, "character": -1]], "message": "", "score": 0, "tags": [:], "big": 0] as JSONValue)
                .decode(Diagnostic.self)
        }
        #expect(throws: JSONRPCError.decodingFailed("expected a boolean, found integer at tags.a")) {
            try (["range": [], "message": "", "score": 0, "tags": ["a": 1], "big": 0] as JSONValue).decode(Diagnostic.self)
        }
        #expect(throws: JSONRPCError.decodingFailed("missing key \"message\" at the top level")) {
            try (["range": [], "score": 0, "tags": [:], "big": 0] as JSONValue).decode(Diagnostic.self)
        }
        #expect(throws: JSONRPCError.self) { try JSONValue.integer(9).decode(Severity.self) }
        #expect(throws: JSONRPCError.encodingFailed("non-finite number nan at score")) {
            var bad = sample
            bad.score = .nan
            _ = try JSONValue(encoding: bad)
        }
    }
}

@Suite struct MessageTests {
    private func invalid(_ value: JSONValue) -> InvalidMessage? {
        do {
            _ = try Message(value)
            return nil
        } catch {
            return error
        }
    }

    @Test func validMessagesRoundTrip() throws {
        let messages: [Message] = [
            .request(RequestMessage(id: .number(1), method: "initialize", params: ["a": 1])),
            .request(RequestMessage(id: .string("x"), method: "shutdown")),
            .notification(NotificationMessage(method: "exit")),
            .notification(NotificationMessage(method: "$/progress", params: [1, 2])),
            .response(ResponseMessage(id: .number(2), result: .success(nil))),
            .response(ResponseMessage(id: .string("y"), result: .failure(.cancelled))),
            .response(ResponseMessage(id: nil, result: .failure(ResponseError(code: .parseError, message: "m",
                                                                             data: ["at": 3])))),
        ]
        for message in messages {
            #expect(try Message(message.jsonValue) == message)
            #expect(message.jsonValue["jsonrpc"] == "2.0")
        }
        #expect(try Message(["jsonrpc": "2.0", "method": "m", "params": nil]) == .notification(.init(method: "m")))
    }

    @Test func invalidMessages() {
        #expect(invalid(["jsonrpc": "2.0", "id": 1.5, "method": "m"])?.id == nil)
        #expect(invalid(["jsonrpc": "2.0", "id": 4, "method": "m", "params": "s"])?.id == .number(4))
        #expect(invalid(["jsonrpc": "2.0", "id": 4, "method": "m", "result": 1]) != nil)
        #expect(invalid(["id": 4, "method": "m"])?.error.code == .invalidRequest)
        #expect(invalid([])?.error.message == "jsonrpc: invalid message: empty batch")
        #expect(invalid(5)?.error.message == "jsonrpc: invalid message: expected a message object, found integer")
        let both = invalid(["jsonrpc": "2.0", "id": 4, "result": 1, "error": ["code": 1, "message": "m"]])
        #expect(both?.shouldReply == false && both?.id == .number(4))
        #expect(invalid(["jsonrpc": "2.0", "id": nil, "result": 1])?.shouldReply == false)
        #expect(invalid(["jsonrpc": "2.0", "id": 1, "error": ["code": "x", "message": "m"]]) != nil)
        #expect(invalid(["jsonrpc": "2.0"])?.shouldReply == false)
    }

    @Test func registryDecodesTypedMessages() throws {
        let registry = TestServer.registry
        let request = RequestMessage(id: .number(1), method: EchoRequest.method, params: ["text": "t", "count": 2])
        #expect(try registry.decode(request) as? EchoRequest == EchoRequest(text: "t", count: 2))
        #expect(throws: ResponseError.methodNotFound("nope")) {
            try registry.decode(RequestMessage(id: .number(1), method: "nope"))
        }
        #expect(try registry.decode(NotificationMessage(method: "unknown")) == nil)
        #expect(try registry.decode(RequestMessage(id: .number(1), method: RecordedRequest.method)) is RecordedRequest)
    }
}
