import Foundation
import Support
import Testing
@testable import JSONRPC

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    private func parseError(_ bytes: [UInt8]) -> JSONRPCError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch let error as JSONRPCError {
            return error
        } catch {
            return nil
        }
    }

    private func parseError(_ text: String) -> JSONRPCError? { parseError(Array(text.utf8)) }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("\"hi\"") == .string("hi"))
        #expect(try parse("\t\r\n 0 \n") == .integer(0))
    }

    @Test func integersStayExact() throws {
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808.0))
        #expect(try parse("-12") == .integer(-12))
        #expect(try parse("1.0") == .double(1.0))
        #expect(try parse("1e2") == .double(100))
        #expect(try parse("-0.5E-3") == .double(-0.0005))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func booleansAreNeverNumbers() throws {
        #expect(try parse("true") != .integer(1))
        #expect(throws: JSONRPCError.self) { try JSONValue.bool(true).decode(Int.self) }
        #expect(throws: JSONRPCError.self) { try JSONValue.integer(1).decode(Bool.self) }
    }

    @Test func stringsAndEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC\ud83d\ude00""#) == .string("é€😀"))
        #expect(try parse("\"é€😀\u{10FFFF}\"") == .string("é€😀\u{10FFFF}"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func containers() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(try parse(#"{"a": [1, 2.5, {"b": null}], "c": "d"}"#)
            == ["a": [1, 2.5, ["b": nil]], "c": "d"])
    }

    @Test func grammarErrorsNameTheOffset() {
        #expect(parseError("") == .unexpectedEnd(expected: "a value", offset: 0))
        #expect(parseError("[1,]") == .unexpectedByte(UInt8(ascii: "]"), expected: "a value", offset: 3))
        #expect(parseError("{\"a\":1,}") == .unexpectedByte(UInt8(ascii: "}"), expected: "a key string", offset: 7))
        #expect(parseError("{'a':1}") == .unexpectedByte(UInt8(ascii: "'"), expected: "a key string", offset: 1))
        #expect(parseError("[1 2]") == .unexpectedByte(UInt8(ascii: "2"), expected: "',' or ']'", offset: 3))
        #expect(parseError("01") == .invalidNumber(offset: 0))
        #expect(parseError("-") == .invalidNumber(offset: 0))
        #expect(parseError("1.") == .invalidNumber(offset: 0))
        #expect(parseError("1e") == .invalidNumber(offset: 0))
        #expect(parseError("+1") == .unexpectedByte(UInt8(ascii: "+"), expected: "a value", offset: 0))
        #expect(parseError("NaN") == .unexpectedByte(UInt8(ascii: "N"), expected: "a value", offset: 0))
        #expect(parseError("1e400") == .invalidNumber(offset: 0))
        #expect(parseError("tru") == .unexpectedEnd(expected: "true", offset: 3))
        #expect(parseError("nul!") == .unexpectedByte(UInt8(ascii: "!"), expected: "null", offset: 3))
        #expect(parseError("{} x") == .trailingCharacters(offset: 3))
        #expect(parseError("\"abc") == .unexpectedEnd(expected: "'\"'", offset: 4))
        #expect(parseError("\"a\nb\"") == .unescapedControlCharacter(0x0a, offset: 2))
        #expect(parseError(#""\x""#) == .invalidEscape(offset: 1))
        #expect(parseError(#""\u12G4""#) == .invalidEscape(offset: 1))
        #expect(parseError(#""ab\ud800""#) == .loneSurrogate(offset: 3))
        #expect(parseError(#""\udc00\ud800""#) == .loneSurrogate(offset: 1))
        #expect(parseError(#""\ud800\u0041""#) == .loneSurrogate(offset: 1))
        #expect(parseError(#"{"a":1,"a":2}"#) == .duplicateKey("a", offset: 7))
        #expect(parseError("/* c */ 1") == .unexpectedByte(UInt8(ascii: "/"), expected: "a value", offset: 0))
    }

    @Test func invalidUTF8IsRejectedWithItsOffset() {
        let q = UInt8(ascii: "\"")
        #expect(parseError([q, 0x61, 0xC0, 0x80, q]) == .invalidUTF8(offset: 2))        // overlong
        #expect(parseError([q, 0xED, 0xA0, 0x80, q]) == .invalidUTF8(offset: 1))        // surrogate
        #expect(parseError([q, 0xF4, 0x90, 0x80, 0x80, q]) == .invalidUTF8(offset: 1))  // > U+10FFFF
        #expect(parseError([q, 0xE2, 0x82, q]) == .invalidUTF8(offset: 1))             // truncated
        #expect(parseError([q, 0x80, q]) == .invalidUTF8(offset: 1))                   // stray continuation
        #expect(parseError([q, 0xFF, q]) == .invalidUTF8(offset: 1))
        #expect(parseError([UInt8(ascii: "["), 0xFF, UInt8(ascii: "]")]) == .invalidUTF8(offset: 1))
        #expect(parseError([q, 0xC3, 0xA9, q]) == nil)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(parseError(deep) == .nestingTooDeep(limit: JSONParser.defaultMaximumDepth,
                                                    offset: JSONParser.defaultMaximumDepth))
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(parseError(ok) == nil)
    }

    @Test func serializationIsCompactSortedAndEscaped() {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": "x\"\\\n\u{1}/é", "c": ["z": 1, "y": [:]]]
        #expect(value.serializedString() == #"{"a":"x\"\\\n\u0001/é","b":[1,2.5,null,true],"c":{"y":{},"z":1}}"#)
        #expect(JSONValue.double(.nan).serializedString() == "null")
        #expect(JSONValue.double(1e20).serializedString() == "1e+20")
        #expect(JSONValue.double(1.0).serializedString() == "1.0")
    }

    @Test func randomValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let value = JSONValue.random(depth: 4, using: &rng)
            let bytes = value.serialized()
            #expect(try JSONParser.parse(bytes) == value)
            // Foundation's parser must accept every text we write (ours are strict RFC 8259).
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil)
        }
    }
}
